using System.Collections.Concurrent;
using Signals.TestHost.Support;

namespace Signals.TestHost.Scenarios;

/// <summary>
/// Issue 10, item 5: two repairers must not fight forever. Another "library" (libc's signal()) keeps putting
/// SIG_DFL over our SIGUSR2 handler; the dispatcher's repair puts ours back at most 3 times within 10 s,
/// then leaves the signal alone and reports it once through SignalEvents.RepairAbandoned. An explicit
/// CheckTampering repairs it again.
/// </summary>
internal static class RepairFightScenario
{
    private const int Rounds = 6;

    // 25 periods of the 200 ms check: a repair that did not come by then is not coming.
    private static readonly TimeSpan RepairWait = TimeSpan.FromSeconds(5);

    // After giving up: five more periods in which nothing may be repaired.
    private static readonly TimeSpan LeftAlone = TimeSpan.FromSeconds(1);

    public static int Run()
    {
        var abandoned = new ConcurrentQueue<SignalRepairAbandonedEventArgs>();
        SignalEvents.RepairAbandoned += (_, e) => abandoned.Enqueue(e);
        using var subscription = SignalEvents.Subscribe(Signal.SIGUSR2, _ => { });
        int repairs = 0;
        for (int round = 0; round < Rounds; round++)
        {
            Libc.SetDefault(Signal.SIGUSR2);
            if (!Deadline.Until(() => SignalHandlers.Get(Signal.SIGUSR2).Kind == SignalDispositionKind.Managed, RepairWait))
                break;
            repairs++;
        }
        Report.Line($"REPAIRS {repairs}");
        if (!Deadline.Until(() => !abandoned.IsEmpty))
            return Report.Fail("RepairAbandoned was never raised", ExitCodes.TimedOut);
        Thread.Sleep(LeftAlone);
        var report = abandoned.ToArray();
        Report.Line($"ABANDONED {string.Join(",", report.Select(e => $"{e.Signal}/{e.Repairs}/{e.Window.TotalSeconds}s"))}");
        Report.Line("LEFT " + SignalHandlers.Get(Signal.SIGUSR2).Kind);
        Report.Line("CHECK " + string.Join(",", SignalEvents.CheckTampering(repair: true)));
        Report.Line("AFTER " + SignalHandlers.Get(Signal.SIGUSR2).Kind);
        return ExitCodes.Ok;
    }
}
