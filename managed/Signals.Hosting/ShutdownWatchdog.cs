using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Signals.Hosting;

/// <summary>
/// Ends the process by the termination signal when it is still alive at the deadline. A dedicated
/// background thread, not a timer: a shutdown that hangs by blocking thread-pool threads must not be
/// able to starve the very thing that ends it. Being a background thread, it never keeps the process alive.
/// Nor may console I/O hold it up: the last message is written by <see cref="LastWords"/> with a bounded wait,
/// and <see cref="SignalTermination.ExitBySignal"/> bounds its own flush.
/// </summary>
internal static class ShutdownWatchdog
{
    /// <summary>
    /// The longest single sleep. Thread.Sleep takes at most int.MaxValue ms (24.8 days) and throws above it, on a
    /// thread of its own where the exception ends the process (status 134): any longer deadline is waited in steps.
    /// </summary>
    private static readonly TimeSpan LongestSleep = TimeSpan.FromDays(1);

    internal static void Arm(Signal signal, TimeSpan deadline, ILogger logger)
    {
        var thread = new Thread(() => Expire(signal, deadline, logger))
        {
            Name = "Signals shutdown deadline",
            IsBackground = true,
        };
        thread.Start();
    }

    private static void Expire(Signal signal, TimeSpan deadline, ILogger logger)
    {
        var sinceArmed = Stopwatch.StartNew();
        for (var left = deadline; left > TimeSpan.Zero; left = deadline - sinceArmed.Elapsed)
            Thread.Sleep(left < LongestSleep ? left : LongestSleep);
        LastWords.Say(() =>
        {
            logger.LogCritical("The application did not end within {Deadline} of {Signal}: ending the process by {Signal} (status {Status}).",
                deadline, signal, signal, 128 + signal.Number);
            // The logger may write asynchronously, and the process ends soon: say it on stderr too.
            Console.Error.WriteLine($"Signals.Hosting: shutdown did not finish within {deadline} of {signal}; ending the process by {signal} (status {128 + signal.Number}).");
        });
        SignalTermination.ExitBySignal(signal);
    }
}
