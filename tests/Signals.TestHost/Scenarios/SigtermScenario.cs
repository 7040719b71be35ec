namespace Signals.TestHost.Scenarios;

/// <summary>
/// SIGTERM handled by us. "handle": the callback runs, the process carries on and exits 0.
/// "exit": ExitBySignalAfterCallback — the callback runs, then the process dies by SIGTERM (status 143).
/// </summary>
internal static class SigtermScenario
{
    public static int Run(string mode)
    {
        int ours = 0;
        var options = new SubscriptionOptions { ExitBySignalAfterCallback = mode == "exit" };
        using var subscription = SignalEvents.Subscribe(Signal.SIGTERM, e =>
        {
            // The line first: once `ours` counts, the main thread may print CONTINUING and end the process.
            Report.Line($"CALLBACK {e.Signal.Name} from {e.SenderPid}");
            Interlocked.Increment(ref ours);
        }, options);
        Report.Line("READY");
        if (!Deadline.Until(() => Volatile.Read(ref ours) > 0))
            return Report.Fail("SIGTERM never reached our subscription", ExitCodes.TimedOut);
        if (mode == "exit")
        {
            // The dispatcher is about to end the process; if it does not, say so after a generous wait.
            Thread.Sleep(Deadline.Generous);
            return Report.Fail("still alive after ExitBySignalAfterCallback");
        }
        Report.Line("CONTINUING");
        return ExitCodes.Ok;
    }
}
