namespace Signals.TestHost.Scenarios;

/// <summary>
/// Console.CancelKeyPress and our SIGINT subscription, ours made before or after Console's SIGINT handling
/// exists. After READY the parent sends SIGINT; the child reports which of the two ran and exits 0.
/// </summary>
internal static class CancelKeyPressScenario
{
    // Once the first of the two has run, how long to wait for the other. Both follow the same delivery
    // within milliseconds (CancelKeyPress runs on a new thread per signal), so 3 s is ample.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    public static int Run(string order, string policy)
    {
        int ours = 0, cancelKeyPress = 0;
        var options = new SubscriptionOptions { Policy = Policies.Parse(policy) };
        SignalSubscription? subscription = null;
        if (order == "before")
            subscription = SignalEvents.Subscribe(Signal.SIGINT, _ => Interlocked.Increment(ref ours), options);
        Console.CancelKeyPress += (_, e) =>
        {
            Interlocked.Increment(ref cancelKeyPress);
            e.Cancel = true; // keep the process alive so both counts can be reported
        };
        if (order == "after")
            subscription = SignalEvents.Subscribe(Signal.SIGINT, _ => Interlocked.Increment(ref ours), options);
        // Console's registration overwrites a handler installed before it; repair now rather than racing the dispatcher.
        Report.Line("TAMPERED " + string.Join(",", SignalEvents.CheckTampering(repair: true)));
        Report.Line("READY");
        if (!Deadline.Until(() => Volatile.Read(ref ours) + Volatile.Read(ref cancelKeyPress) > 0))
            return Report.Fail("neither our callback nor CancelKeyPress ran", ExitCodes.TimedOut);
        Deadline.Until(() => Volatile.Read(ref ours) > 0 && Volatile.Read(ref cancelKeyPress) > 0, Settle);
        Report.Line($"OURS {Volatile.Read(ref ours)}");
        Report.Line($"CANCELKEYPRESS {Volatile.Read(ref cancelKeyPress)}");
        subscription?.Dispose();
        return ExitCodes.Ok;
    }
}
