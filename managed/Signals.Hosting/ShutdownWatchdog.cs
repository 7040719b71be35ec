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

    /// <param name="signal">The termination signal that started the shutdown.</param>
    /// <param name="deadline">How long the process may take to end.</param>
    /// <param name="logger">Where the last message goes (and stderr).</param>
    /// <param name="stacks">When set, the threads' stacks are captured in the last slice before the deadline (<see cref="HungShutdownStacks"/>).</param>
    /// <param name="loggerGone">Whether the host is disposed, its logger with it (the stacks then go to stderr).</param>
    internal static void Arm(Signal signal, TimeSpan deadline, ILogger logger, IThreadStackSource? stacks = null, Func<bool>? loggerGone = null)
    {
        var thread = new Thread(() => Expire(signal, deadline, logger, stacks, loggerGone))
        {
            Name = "Signals shutdown deadline",
            IsBackground = true,
        };
        thread.Start();
    }

    private static void Expire(Signal signal, TimeSpan deadline, ILogger logger, IThreadStackSource? stacks, Func<bool>? loggerGone)
    {
        var armed = Stopwatch.StartNew();
        string? report = null;
        if (stacks is not null)
        {
            // Captured before the deadline, written only when it is reached: a shutdown that ends in time says nothing.
            var slice = SignalHostingOptions.ShutdownStacksSlice(deadline);
            SleepUntil(armed, deadline - slice);
            report = HungShutdownStacks.Capture(stacks, signal, deadline, slice);
        }
        SleepUntil(armed, deadline);
        LastWords.Say(() =>
        {
            logger.LogCritical("The application did not end within {Deadline} of {Signal}: ending the process by {Signal} (status {Status}).",
                deadline, signal, signal, 128 + signal.Number);
            // The logger may write asynchronously, and the process ends soon: say it on stderr too.
            Console.Error.WriteLine($"Signals.Hosting: shutdown did not finish within {deadline} of {signal}; ending the process by {signal} (status {128 + signal.Number}).");
            // After the line above, in the same bounded wait: a blocked logger may lose the stacks, never the exit.
            if (report is not null)
                HungShutdownStacks.Write(report, signal, logger, loggerGone?.Invoke() ?? false);
        });
        SignalTermination.ExitBySignal(signal);
    }

    // In steps of at most LongestSleep, until `until` has passed since `armed` started.
    private static void SleepUntil(Stopwatch armed, TimeSpan until)
    {
        for (var left = until - armed.Elapsed; left > TimeSpan.Zero; left = until - armed.Elapsed)
            Thread.Sleep(left < LongestSleep ? left : LongestSleep);
    }
}
