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
    /// A stop signal (SIGTSTP, SIGTTIN, SIGTTOU) is refused: its default action stops the process, which would then
    /// exit with 128+N when continued; use <see cref="StopBySignal"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The signal is one we refuse to touch (see <see cref="Signal.RefusalReason"/>), or a stop signal.</exception>
    public static void ExitBySignal(Signal signal)
    {
        signal.EnsureHandleable(nameof(signal));
        if (IsStopSignal(signal))
            throw new ArgumentException($"{signal} ({signal.Number}) stops the process instead of ending it (and a SIGCONT would then " +
                $"end it with status {128 + signal.Number}): use SignalTermination.StopBySignal to stop and continue.", nameof(signal));
        FlushConsole();
        NativeResult.Check(Native.SignalsSetBuiltin(signal.Number, 0), $"Setting SIG_DFL for {signal}");
        NativeResult.Check(Native.SignalsThreadMask(1, 1UL << (signal.Number - 1), out _), $"Unblocking {signal}");
        Native.SignalsRaise(signal.Number);
        Environment.Exit(128 + signal.Number); // reached only when the default action is to ignore
    }

    /// <summary>
    /// "Handle, then stop": stops the process the way <paramref name="signal"/>'s default action does, and returns once
    /// it is continued (SIGCONT: <c>fg</c>, <c>bg</c>, <c>kill -CONT</c>), with our handler back. Call it from a SIGTSTP
    /// callback after restoring the terminal, as a shell expects of a Ctrl-Z: flushes the console (at most a second),
    /// sets SIG_DFL for the signal, unblocks it on this thread and raises it; after SIGCONT, a subscription's handler is
    /// installed again with its policy. SIGSTOP stops without touching any handler (it has none). The kernel discards
    /// SIGTSTP, SIGTTIN and SIGTTOU in an orphaned process group (no parent left to continue it, e.g. after
    /// <c>setsid</c>): then it returns at once without stopping. Concurrent calls stop one after the other.
    /// </summary>
    /// <param name="signal">SIGTSTP, SIGTTIN, SIGTTOU or SIGSTOP.</param>
    /// <exception cref="ArgumentException">Not a stop signal.</exception>
    public static void StopBySignal(Signal signal)
    {
        if (signal == Signal.SIGSTOP)
        {
            Native.SignalsRaise(signal.Number);
            return;
        }
        if (!IsStopSignal(signal))
            throw new ArgumentException($"{signal} ({signal.Number}) is not a stop signal: StopBySignal takes SIGTSTP, SIGTTIN, SIGTTOU or SIGSTOP.", nameof(signal));
        FlushConsole();
        lock (StopGate)
        {
            // signals_set_builtin forgets our installation, so a subscribed signal is installed again afterwards with
            // the policy it had; SIG_DFL then becomes its saved previous action, which it was for a stop signal anyway.
            int policy = Native.SignalsPolicy(signal.Number);
            NativeResult.Check(Native.SignalsSetBuiltin(signal.Number, 0), $"Setting SIG_DFL for {signal}");
            try
            {
                NativeResult.Check(Native.SignalsThreadMask(1, 1UL << (signal.Number - 1), out _), $"Unblocking {signal}");
                Native.SignalsRaise(signal.Number); // the whole process stops here, until SIGCONT
            }
            finally
            {
                if (policy > 0)
                    NativeResult.Check(Native.SignalsInstall(signal.Number, policy), $"Installing the handler of {signal} again");
            }
        }
    }

    private static readonly object StopGate = new();

    /// <summary>The signals whose default action stops the process and that a process may handle.</summary>
    private static bool IsStopSignal(Signal signal) => signal == Signal.SIGTSTP || signal == Signal.SIGTTIN || signal == Signal.SIGTTOU;

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
