using Signals.TestHost.Support;

namespace Signals.TestHost.Scenarios;

/// <summary>
/// Issue 18, rows 1 and 2: a process of the same uid opened the record pipe through /proc/PID/fd, took
/// records and wrote forged ones that passed a sender policy. Now records stay in the process's memory and
/// the descriptors the first subscription opens are a socket pair that /proc refuses to open. The child
/// prints those descriptors (CHANNEL a b) for the parent, an outsider, to attack; its subscription admits
/// only uid 12345, which the parent's forged records would claim. After the parent's real SIGUSR1 (from its
/// own uid, not allowed) the child reports what reached the callback and what the policy rejected.
/// </summary>
internal static class ForgedRecordScenario
{
    public const uint ClaimedUid = 12345;

    public static int Run()
    {
        var before = ProcFs.PipesAndSockets();
        int accepted = 0, rejected = 0;
        var options = new SubscriptionOptions
        {
            AllowedSenderUids = [ClaimedUid],
            OnRejected = _ => Interlocked.Increment(ref rejected),
        };
        using var subscription = SignalEvents.Subscribe(Signal.SIGUSR1, _ => Interlocked.Increment(ref accepted), options);
        var added = ProcFs.PipesAndSockets().Except(before).Order().ToList();
        Report.Line($"CHANNEL {string.Join(" ", added)}");
        Report.Line("READY");
        if (!Deadline.Until(() => Volatile.Read(ref rejected) + Volatile.Read(ref accepted) >= 1))
            return Report.Fail("the real SIGUSR1 never reached the subscription", ExitCodes.TimedOut);
        Thread.Sleep(200); // a forged record, had one got in, would be dispatched within this
        Report.Line($"ACCEPTED {Volatile.Read(ref accepted)} REJECTED {Volatile.Read(ref rejected)} DROPPED {SignalEvents.DroppedRecords}");
        return ExitCodes.Ok;
    }
}
