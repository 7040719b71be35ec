using System.Runtime.InteropServices;
using static Signals.Migrating.Sample;

namespace Signals.Migrating.Recipes;

/// <summary>
/// From <see cref="PosixSignalRegistration"/>: SIGHUP reloads, SIGTERM stops. Both forms print "reload N" per
/// SIGHUP and "stopping" on SIGTERM, then "stopped after N reloads" and exit 0. With --no-cancel (before) or
/// --exit-by-signal (after) SIGTERM's handler runs and then the process dies by SIGTERM: status 143 either way.
/// </summary>
internal static class RegistrationRecipe
{
    public static int Before(string[] options)
    {
        bool cancel = !options.Contains("--no-cancel");
        int reloads = 0;
        using var stop = new ManualResetEventSlim();
        // Each handler runs on a thread-pool thread (SIGTERM's on a new thread). Without Cancel = true the
        // runtime then does the default action: SIGHUP and SIGTERM end the process (129, 143).
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            Say($"reload {Interlocked.Increment(ref reloads)}"); // who sent it: not available
        });
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = cancel;
            Say("stopping");
            if (cancel)
                stop.Set(); // else the runtime ends the process once this returns
        });
        Ready();
        stop.Wait();
        Say($"stopped after {Volatile.Read(ref reloads)} reloads");
        return 0;
    }

    public static int After(string[] options)
    {
        bool exitBySignal = options.Contains("--exit-by-signal");
        int reloads = 0;
        // Handle (the default policy) replaces the previous action: SIGHUP no longer ends the process, and no
        // Cancel flag is needed. Callbacks run one at a time on the "Signals dispatcher" thread.
        using var hangup = SignalEvents.Subscribe(Signal.SIGHUP,
            e => Say($"reload {Interlocked.Increment(ref reloads)} from pid {e.SenderPid}"));
        if (exitBySignal)
        {
            // The equivalent of leaving Cancel false: run the callback, then die by the signal (status 143).
            using var dying = SignalEvents.Subscribe(Signal.SIGTERM, _ => Say("stopping"),
                new SubscriptionOptions { ExitBySignalAfterCallback = true });
            Ready();
            ServeCommands(); // SIGTERM ends the process before "quit" comes
            return 0;
        }
        using var stop = new SignalCancellation(Signal.SIGTERM);
        Ready();
        stop.Token.WaitHandle.WaitOne();
        Say("stopping");
        Say($"stopped after {Volatile.Read(ref reloads)} reloads");
        return 0;
    }
}
