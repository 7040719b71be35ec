namespace Signals.TestHost.Scenarios;

/// <summary>
/// Waits to be killed by SIGUSR1's default action (status 138). "fresh": nobody ever handled it;
/// "disposed": we subscribed and disposed, which must put SIG_DFL back.
/// </summary>
internal static class UnhandledScenario
{
    public static int Run(string mode)
    {
        if (mode == "disposed")
            SignalEvents.Subscribe(Signal.SIGUSR1, _ => { }).Dispose();
        Report.Line("DISPOSITION " + SignalHandlers.Get(Signal.SIGUSR1).Kind);
        Report.Line("READY");
        Thread.Sleep(Deadline.Generous); // the parent's SIGUSR1 ends us long before this
        return Report.Fail("still alive: SIGUSR1 did not take its default action");
    }
}
