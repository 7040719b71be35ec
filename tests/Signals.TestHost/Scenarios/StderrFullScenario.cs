namespace Signals.TestHost.Scenarios;

/// <summary>
/// Issue 18, row 12: run with standard error on /dev/full (every write fails with ENOSPC). A callback that throws
/// (no CallbackFailed handler, so the report goes to stderr) and a sender policy that rejects the sender (reported
/// on stderr too) must not end the dispatcher: the process aborted (134) at the first delivery. The parent sends
/// SIGUSR1 once per "READY n"; a third subscription counts the deliveries.
/// </summary>
internal static class StderrFullScenario
{
    private const int Deliveries = 2;

    // A uid no sender of the test has: every delivery is rejected, and reported.
    private const uint OnlyAllowedUid = 4242;

    public static int Run()
    {
        int thrown = 0, counted = 0;
        using var thrower = SignalEvents.Subscribe(Signal.SIGUSR1, _ =>
        {
            Interlocked.Increment(ref thrown);
            throw new InvalidOperationException("a callback that throws, with stderr full");
        });
        using var policy = SignalEvents.Subscribe(Signal.SIGUSR1, _ => { },
            new SubscriptionOptions { AllowedSenderUids = [OnlyAllowedUid] });
        using var counter = SignalEvents.Subscribe(Signal.SIGUSR1, _ => Interlocked.Increment(ref counted));
        for (int n = 1; n <= Deliveries; n++)
        {
            Report.Line($"READY {n}");
            if (!Deadline.Until(() => Volatile.Read(ref counted) == n))
                return Report.Fail($"delivery {n} never reached the counting subscription (it has {Volatile.Read(ref counted)})", ExitCodes.TimedOut);
        }
        Report.Line($"COUNTS thrown={Volatile.Read(ref thrown)} rejected={policy.RejectedCount} counted={Volatile.Read(ref counted)}");
        return ExitCodes.Ok;
    }
}
