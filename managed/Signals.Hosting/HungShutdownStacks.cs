using Microsoft.Extensions.Logging;

namespace Signals.Hosting;

/// <summary>
/// The reason a shutdown hung: the stacks of the threads still running, captured in the last slice before the
/// shutdown deadline (<see cref="SignalHostingOptions.WriteThreadStacksAtShutdownDeadline"/>). The capture runs on a
/// thread of its own and is abandoned when the slice is over, so the deadline never moves; the text is written only
/// when the deadline is reached (a shutdown that ends in time says nothing), after the last message and within its
/// <see cref="LastWords"/> wait, to the logger while the host is alive, to stderr once it is disposed (its logger is
/// gone then).
/// </summary>
internal static class HungShutdownStacks
{
    /// <summary>Captures for at most <paramref name="slice"/>; returns the report, or a line saying why there is none.</summary>
    internal static string Capture(IThreadStackSource source, Signal signal, TimeSpan deadline, TimeSpan slice)
    {
        using var abandon = new CancellationTokenSource();
        string? text = null;
        var capture = new Thread(() =>
        {
            try
            {
                var writer = new StringWriter();
                source.WriteThreadStacks(writer, $"shutdown after {signal} still running {deadline - slice} later; deadline {deadline}", abandon.Token);
                text = writer.ToString();
            }
            catch (Exception exception)
            {
                text = $"(no thread stacks: {exception.Message})";
            }
        })
        { Name = "Signals shutdown stacks", IsBackground = true };
        capture.Start();
        if (!capture.Join(slice))
        {
            abandon.Cancel();
            return $"(no thread stacks: the capture did not finish within {slice}, the part of the deadline it may take)";
        }
        return text ?? "(no thread stacks)";
    }

    /// <summary>
    /// Writes <paramref name="stacks"/> to the logger, or to stderr when <paramref name="loggerGone"/>. Called inside the
    /// watchdog's <see cref="LastWords"/>, so its wait is the one bounded wait before the exit.
    /// </summary>
    internal static void Write(string stacks, Signal signal, ILogger logger, bool loggerGone)
    {
        if (loggerGone)
            Console.Error.WriteLine($"Signals.Hosting: the threads still running when the shutdown deadline of {signal} was reached:{Environment.NewLine}{stacks}");
        else
            logger.LogCritical("The threads still running when the shutdown deadline of {Signal} was reached:{NewLine}{ThreadStacks}", signal, Environment.NewLine, stacks);
    }
}
