namespace Signals.Hosting;

/// <summary>
/// Where Signals.Hosting gets every managed thread's stack from, for the thread-stacks signal (SIGQUIT by default)
/// and for a shutdown that reaches its deadline. Hosting itself cannot read managed stacks: that takes the runtime's
/// diagnostics (a dump of the process read with ClrMD), which are neither trimmable nor NativeAOT-safe, so they live
/// in the Signals.Diagnostics package, whose <c>services.AddSignalDiagnostics()</c> registers this interface. Without
/// it, Hosting logs one line saying what to add.
/// </summary>
public interface IThreadStackSource
{
    /// <summary>
    /// Writes a header (pid, time, uptime, thread counts, <paramref name="reason"/>) and one block per managed thread
    /// to <paramref name="writer"/>. Takes about a second or two and blocks the calling thread meanwhile: call it from
    /// a thread of your own, never from the Signals dispatcher. Throws <see cref="InvalidOperationException"/> or
    /// <see cref="PlatformNotSupportedException"/> with a message that names the cause and what to change (ptrace
    /// refused, diagnostics disabled, NativeAOT, no room for the temporary dump), and
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires first.
    /// </summary>
    /// <param name="writer">Where the report goes.</param>
    /// <param name="reason">Why it was asked for, for the header (e.g. "SIGQUIT from pid 4711 uid 1000").</param>
    /// <param name="cancellationToken">Abandons the capture (its helper process is killed).</param>
    void WriteThreadStacks(TextWriter writer, string reason, CancellationToken cancellationToken);
}
