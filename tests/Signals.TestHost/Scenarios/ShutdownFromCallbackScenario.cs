namespace Signals.TestHost.Scenarios;

/// <summary>
/// Issue 10, item 7: Shutdown() while a callback in flight subscribes (mode "subscribe"), sets a handler
/// ("set") or starts a WaitAsync ("wait-async"). Shutdown must return, what the callback made must be live
/// (our handler installed, a real signal received), and Subscribe/Dispose must keep working afterwards.
/// </summary>
internal static class ShutdownFromCallbackScenario
{
    // Lets Shutdown, which has just marked the subscriptions disposed, go on to its wait for the dispatcher
    // thread before the callback asks for the registry's lock (the old code held it while waiting).
    private static readonly TimeSpan ReachTheJoin = TimeSpan.FromMilliseconds(300);

    public static int Run(string mode)
    {
        var entered = new ManualResetEventSlim();
        int later = 0;
        Task<SignalEvent>? waiting = null;
        SignalSubscription? trigger = null;
        trigger = SignalEvents.Subscribe(Signal.SIGUSR1, _ =>
        {
            entered.Set();
            Deadline.Until(() => trigger!.IsDisposed);
            Thread.Sleep(ReachTheJoin);
            switch (mode)
            {
                case "subscribe":
                    SignalEvents.Subscribe(Signal.SIGUSR2, _ => Interlocked.Increment(ref later));
                    break;
                case "set":
                    SignalHandlers.Set(Signal.SIGUSR2, _ => Interlocked.Increment(ref later));
                    break;
                default:
                    waiting = SignalEvents.WaitAsync(Signal.SIGUSR2);
                    break;
            }
        });
        SignalSender.Kill(Environment.ProcessId, Signal.SIGUSR1);
        if (!entered.Wait(Deadline.Generous))
            return Report.Fail("the SIGUSR1 callback never ran", ExitCodes.TimedOut);
        var shutdown = new Thread(SignalEvents.Shutdown) { IsBackground = true, Name = "shutdown" };
        shutdown.Start();
        if (!shutdown.Join(TimeSpan.FromSeconds(20)))
            return Report.Fail("Shutdown did not return within 20 s: it waits for the callback, which waits for it", ExitCodes.TimedOut);
        Report.Line("SHUTDOWN-DONE");

        // What the callback made after Shutdown began belongs to a fresh dispatcher run.
        if (!Deadline.Until(() => mode != "wait-async" || Volatile.Read(ref waiting) is not null))
            return Report.Fail("WaitAsync never returned its task", ExitCodes.TimedOut);
        var kind = SignalHandlers.Get(Signal.SIGUSR2).Kind;
        Report.Line("SIGUSR2 " + kind);
        if (kind != SignalDispositionKind.Managed)
            return Report.Fail("the callback's SIGUSR2 handler is not installed: sending it would kill us");
        SignalSender.Kill(Environment.ProcessId, Signal.SIGUSR2);
        if (!Deadline.Until(() => Volatile.Read(ref later) == 1 || waiting is { IsCompleted: true }))
            return Report.Fail("SIGUSR2 never reached what the callback made", ExitCodes.TimedOut);
        Report.Line("CALLBACK-MADE-RECEIVED");

        int afterwards = 0;
        using (var again = SignalEvents.Subscribe(Signal.SIGHUP, _ => Interlocked.Increment(ref afterwards)))
        {
            SignalSender.Kill(Environment.ProcessId, Signal.SIGHUP);
            if (!Deadline.Until(() => Volatile.Read(ref afterwards) == 1))
                return Report.Fail("a later subscription received nothing", ExitCodes.TimedOut);
        }
        SignalEvents.Shutdown();
        Report.Line("LATER-OK");
        return ExitCodes.Ok;
    }
}
