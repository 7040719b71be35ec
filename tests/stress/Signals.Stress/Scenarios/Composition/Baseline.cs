namespace Signals.Stress.Scenarios.Composition;

/// <summary>What the worker process looked like before the sequences: the yardstick of the leak checks.</summary>
internal sealed class Baseline
{
    /// <summary>The thread pool grows with blocking callbacks (children waited for) and shrinks slowly.</summary>
    public const int ThreadAllowance = 24;

    /// <summary>Threads that already had signals blocked before the library was loaded (allowed to keep them).</summary>
    public Dictionary<int, ulong> BlockedThreads { get; init; } = [];

    /// <summary>Pipes and sockets open after the first Shutdown (the runtime's own, System.Native's pipe).</summary>
    public List<string> Descriptors { get; set; } = [];

    public int Threads { get; set; }
}
