using Signals.Interop;

namespace Signals;

/// <summary>Ending the process the way a signal does, so a parent sees "killed by signal N" (status 128+N).</summary>
public static class SignalTermination
{
    /// <summary>
    /// Flushes the console, sets SIG_DFL for <paramref name="signal"/>, unblocks it on this thread and raises it.
    /// For a signal whose default action does not end the process, exits with status 128+N instead.
    /// </summary>
    /// <exception cref="ArgumentException">The signal is one we refuse to touch (see <see cref="Signal.RefusalReason"/>).</exception>
    public static void ExitBySignal(Signal signal)
    {
        signal.EnsureHandleable(nameof(signal));
        Console.Out.Flush();
        Console.Error.Flush();
        NativeResult.Check(Native.SignalsSetBuiltin(signal.Number, 0), $"Setting SIG_DFL for {signal}");
        NativeResult.Check(Native.SignalsThreadMask(1, 1UL << (signal.Number - 1), out _), $"Unblocking {signal}");
        Native.SignalsRaise(signal.Number);
        Environment.Exit(128 + signal.Number); // reached only when the default action is to ignore
    }
}
