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
    /// managed id, finalizer/thread-pool/dispatcher marks, the lock it waits on where known, its frames) to
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
    /// (<see cref="ThreadStackSubscription.Skipped"/>) and skipped, not queued. A failure is written to the writer as
    /// one line with its cause.
    /// </summary>
    /// <param name="signal">The signal that asks for stacks, e.g. SIGQUIT.</param>
    /// <param name="writer">Where each report goes (e.g. <see cref="Console.Error"/>); written by one thread at a time.</param>
    /// <param name="options">Policy, sender policy; the callback target is ignored (the hand-off is ours).</param>
    public static ThreadStackSubscription SubscribeThreadStacks(Signal signal, TextWriter writer, SubscriptionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        return new ThreadStackSubscription(signal, reason =>
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
    public static ThreadStackSubscription SubscribeThreadStacks(Signal signal, ILogger logger, SubscriptionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(logger);
        return new ThreadStackSubscription(signal, reason => WriteThreadStacks(logger, reason), options);
    }
}
