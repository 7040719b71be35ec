using System.Runtime.InteropServices;

namespace Signals.TestHost.Scenarios;

/// <summary>
/// Issue 10, item 5: a handler function installed over ours is the signal's next owner, not tampering. We
/// observe SIGUSR1, then a PosixSignalRegistration(SIGUSR1) (Cancel = true) goes over ours. After more than
/// five tamper-check periods, the parent sends SIGUSR1 three times (one per "READY n"): the registration and
/// our subscription must each see every one.
/// </summary>
internal static class ObserveUnderRegistrationScenario
{
    private const int Deliveries = 3;

    // Six periods of the 200 ms tamper check: the old repair put ours back on top within the first one.
    private static readonly TimeSpan TamperChecks = TimeSpan.FromMilliseconds(1200);

    // After the last delivery reached both, time for a duplicate to show up (both run within milliseconds).
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(500);

    public static int Run()
    {
        int ours = 0, registration = 0;
        using var subscription = SignalEvents.Subscribe(Signal.SIGUSR1, _ => Interlocked.Increment(ref ours),
            new SubscriptionOptions { Policy = SignalPolicy.Observe });
        using var posix = PosixSignalRegistration.Create((PosixSignal)Signal.SIGUSR1.Number, context =>
        {
            Interlocked.Increment(ref registration);
            context.Cancel = true;
        });
        Thread.Sleep(TamperChecks);
        Report.Line("TAMPERED " + string.Join(",", SignalEvents.CheckTampering(repair: false)));
        Report.Line("DISPOSITION " + SignalHandlers.Get(Signal.SIGUSR1).Kind);
        for (int n = 1; n <= Deliveries; n++)
        {
            Report.Line($"READY {n}");
            if (!Deadline.Until(() => Volatile.Read(ref ours) == n && Volatile.Read(ref registration) == n, TimeSpan.FromSeconds(15)))
                return Report.Fail($"delivery {n}: ours {Volatile.Read(ref ours)}, registration {Volatile.Read(ref registration)}", ExitCodes.TimedOut);
        }
        Thread.Sleep(Settle);
        Report.Line($"COUNTS ours={Volatile.Read(ref ours)} registration={Volatile.Read(ref registration)}");
        return ExitCodes.Ok;
    }
}
