namespace Signals.Stress.Scenarios.Composition;

/// <summary>What the worker process looked like before the sequences: the yardstick of the leak checks.</summary>
internal sealed class Baseline
{
    /// <summary>
    /// Threads the runtime may start later on its own (a timer thread, a sockets thread), beyond those in the
    /// baseline. Thread-pool workers are not counted at all: the pool grows with blocking callbacks (children
    /// waited for) and shrinks slowly, and a sequence of 721 under load left 10-25 of them (R8, seed 20261201).
    /// </summary>
    public const int RuntimeThreadAllowance = 4;

    /// <summary>Threads that already had signals blocked before the library was loaded (allowed to keep them).</summary>
    public Dictionary<int, ulong> BlockedThreads { get; init; } = [];

    /// <summary>Pipes and sockets open after the first Shutdown (the runtime's own, System.Native's pipe).</summary>
    public List<string> Descriptors { get; set; } = [];

    /// <summary>Threads after the first Shutdown, thread-pool workers left out (<see cref="ThreadMasks.CountOutsideThreadPool"/>).</summary>
    public int Threads { get; set; }
}
