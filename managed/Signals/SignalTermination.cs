using Signals.Interop;

namespace Signals;

/// <summary>Ending the process the way a signal does, so a parent sees "killed by signal N" (status 128+N).</summary>
public static class SignalTermination
{
    /// <summary>How long <see cref="ExitBySignal"/> waits for the console to flush before it ends the process anyway.</summary>
    private static readonly TimeSpan FlushPatience = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Flushes the console (waiting at most a second: a stdout or stderr pipe nobody reads must not keep the process
    /// alive), sets SIG_DFL for <paramref name="signal"/>, unblocks it on this thread and raises it.
    /// For a signal whose default action does not end the process, exits with status 128+N instead.
    /// </summary>
    /// <exception cref="ArgumentException">The signal is one we refuse to touch (see <see cref="Signal.RefusalReason"/>).</exception>
    public static void ExitBySignal(Signal signal)
    {
        signal.EnsureHandleable(nameof(signal));
        FlushConsole();
        NativeResult.Check(Native.SignalsSetBuiltin(signal.Number, 0), $"Setting SIG_DFL for {signal}");
        NativeResult.Check(Native.SignalsThreadMask(1, 1UL << (signal.Number - 1), out _), $"Unblocking {signal}");
        Native.SignalsRaise(signal.Number);
        Environment.Exit(128 + signal.Number); // reached only when the default action is to ignore
    }

    // Console.Out and Console.Error are synchronized writers: Flush waits for any thread that is inside a write,
    // and a write to a full pipe waits for its reader. So flush on a thread of its own, and wait a bounded time.
    private static void FlushConsole()
    {
        var flusher = new Thread(static () =>
        {
            try
            {
                Console.Out.Flush();
                Console.Error.Flush();
            }
            catch (IOException)
            {
                // A closed pipe: nothing more can be said, and the process ends next anyway.
            }
        })
        {
            Name = "Signals exit flush",
            IsBackground = true,
        };
        flusher.Start();
        flusher.Join(FlushPatience);
    }
}
