using Microsoft.Extensions.Logging;

namespace Signals.Diagnostics;

/// <summary>
/// <c>kill -QUIT</c> for .NET: every managed thread's stack, written while the process keeps running. Each report
/// takes a second or two (a dump of the process, read with ClrMD): call these from a thread of your own, or use
/// <see cref="SubscribeThreadStacks(Signal, ILogger, SubscriptionOptions?)"/>, which does the hand-off for you.
/// </summary>
public static class SignalDiagnostics
{
    /// <summary>
    /// Writes a header (pid, time, uptime, thread counts) and one block per managed thread (OS thread id, name,
    /// managed id, finalizer/thread-pool/dispatcher marks, the lock it waits on where known, its frames with file:line
    /// where a portable PDB is beside the assembly) to
    /// <paramref name="writer"/>. Under NativeAOT it writes the OS threads and says why there are no managed stacks.
    /// </summary>
    /// <param name="writer">Where the report goes.</param>
    /// <param name="reason">Why it was asked for; in the header.</param>
    /// <param name="cancellationToken">Abandons the capture.</param>
    /// <exception cref="InvalidOperationException">The stacks cannot be read; the message names the cause and what to change (ptrace refused, no createdump beside the runtime, the temporary directory missing, read-only or full).</exception>
    public static void WriteThreadStacks(TextWriter writer, string reason = "requested by the application", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(reason);
        var text = new StringWriter();
        ThreadStackReport.Write(text, reason, cancellationToken);
        writer.Write(text.ToString());
        writer.Flush();
    }

    /// <summary>
    /// Like <see cref="WriteThreadStacks(TextWriter, string, CancellationToken)"/>, as one Information entry of
    /// <paramref name="logger"/> (a warning with the cause when the stacks cannot be read; this overload does not throw for that).
    /// </summary>
    /// <param name="logger">Where the report goes.</param>
    /// <param name="reason">Why it was asked for; in the header.</param>
    /// <param name="cancellationToken">Abandons the capture.</param>
    public static void WriteThreadStacks(ILogger logger, string reason = "requested by the application", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(reason);
        try
        {
            var text = new StringWriter();
            ThreadStackReport.Write(text, reason, cancellationToken);
            logger.LogInformation("Thread stacks ({Reason}):{NewLine}{ThreadStacks}", reason, Environment.NewLine, text.ToString());
        }
        catch (Exception exception) when (exception is InvalidOperationException or PlatformNotSupportedException or IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("No thread stacks ({Reason}): {Cause}", reason, exception.Message);
        }
    }

    /// <summary>
    /// Writes the thread stacks to <paramref name="writer"/> whenever <paramref name="signal"/> arrives (a Handle
    /// subscription by default: the process keeps running). The report is written on a thread of its own, never on
    /// the Signals dispatcher; a delivery that comes while one is written is counted
    /// (<see cref="DiagnosticsSubscription.Skipped"/>) and skipped, not queued. A failure is written to the writer as
    /// one line with its cause.
    /// </summary>
    /// <param name="signal">The signal that asks for stacks, e.g. SIGQUIT.</param>
    /// <param name="writer">Where each report goes (e.g. <see cref="Console.Error"/>); written by one thread at a time.</param>
    /// <param name="options">Policy, sender policy; the callback target is ignored (the hand-off is ours).</param>
    public static DiagnosticsSubscription SubscribeThreadStacks(Signal signal, TextWriter writer, SubscriptionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        return new DiagnosticsSubscription(signal, reason =>
        {
            try { WriteThreadStacks(writer, reason); }
            catch (Exception exception) when (exception is InvalidOperationException or PlatformNotSupportedException or IOException or UnauthorizedAccessException)
            {
                writer.WriteLine($"No thread stacks ({reason}): {exception.Message}");
                writer.Flush();
            }
        }, options);
    }

    /// <summary>Like <see cref="SubscribeThreadStacks(Signal, TextWriter, SubscriptionOptions?)"/>, into <paramref name="logger"/>.</summary>
    /// <param name="signal">The signal that asks for stacks, e.g. SIGQUIT.</param>
    /// <param name="logger">Where each report goes.</param>
    /// <param name="options">Policy, sender policy; the callback target is ignored (the hand-off is ours).</param>
    public static DiagnosticsSubscription SubscribeThreadStacks(Signal signal, ILogger logger, SubscriptionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(logger);
        return new DiagnosticsSubscription(signal, reason => WriteThreadStacks(logger, reason), options);
    }

    /// <summary>
    /// Writes a dump of this process into <see cref="DumpOptions.Directory"/>, named dump-PID-TIME.dmp (UTC), and removes
    /// our oldest dumps there beyond <see cref="DumpOptions.MaxFiles"/>. <c>dotnet-dump analyze FILE</c> opens it. Blocks
    /// for a second or more (longer with the heap).
    /// </summary>
    /// <param name="options">Directory, type, how many to keep, the room required.</param>
    /// <param name="cancellationToken">Abandons the dump (createdump is killed, the partial file removed).</param>
    /// <exception cref="InvalidOperationException">Refused or failed; the message names the cause and what to change (too little room, a read-only or missing directory, ptrace refused).</exception>
    public static DumpResult WriteDump(DumpOptions options, CancellationToken cancellationToken = default) =>
        DumpFiles.Write(options, cancellationToken);

    /// <summary>
    /// Writes a dump (<see cref="WriteDump"/>) whenever <paramref name="signal"/> arrives, on a thread of its own, and logs
    /// its path and size (or the cause of a refusal). A delivery while one is written is counted and skipped.
    /// </summary>
    /// <param name="signal">The signal that asks for a dump (one of your choice, e.g. SIGUSR2).</param>
    /// <param name="options">Directory, type, how many to keep, the room required.</param>
    /// <param name="logger">Where the outcome goes.</param>
    /// <param name="subscriptionOptions">Policy, sender policy; the callback target is ignored (the hand-off is ours).</param>
    public static DiagnosticsSubscription SubscribeDumps(Signal signal, DumpOptions options, ILogger logger, SubscriptionOptions? subscriptionOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        return new DiagnosticsSubscription(signal, reason => LogDump(options, logger, reason), subscriptionOptions, "Signals dump");
    }

    internal static void LogDump(DumpOptions options, ILogger logger, string reason)
    {
        try
        {
            var dump = WriteDump(options);
            logger.LogInformation("Dump ({Reason}): wrote {Path} ({SizeMiB} MiB, {DumpType}) in {Milliseconds} ms; removed {RemovedCount} older: {Removed}",
                reason, dump.Path, dump.Bytes >> 20, options.Type, (long)dump.Elapsed.TotalMilliseconds, dump.Removed.Count, string.Join(", ", dump.Removed));
        }
        catch (Exception exception) when (exception is InvalidOperationException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("No dump ({Reason}): {Cause}", reason, exception.Message);
        }
    }
}
