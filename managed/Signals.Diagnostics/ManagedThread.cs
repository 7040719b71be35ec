namespace Signals.Diagnostics;

/// <summary>One managed thread of the report: its title line, the lock it waits on (when known) and its frames, innermost first.</summary>
internal sealed record ManagedThread(string Title, string? Lock, IReadOnlyList<string> Frames, bool IsThreadPool, bool IsFinalizer);
