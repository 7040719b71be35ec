namespace Signals.Tests;

/// <summary>Per-subscription sender policy: foreign senders are dropped and reported.</summary>
[TestFixture, NonParallelizable]
public class SenderPolicyTests
{
    private static readonly Signal Sig = Signal.SIGUSR2;

    [Test]
    public void AForeignPidIsDroppedAndReported()
    {
        using var scope = new SignalScope(Sig);
        int accepted = 0;
        var rejected = new TaskCompletionSource<SignalEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = SignalEvents.Subscribe(Sig, _ => Interlocked.Increment(ref accepted), new SubscriptionOptions
        {
            AllowedSenderPids = [Environment.ProcessId],
            OnRejected = e => rejected.TrySetResult(e),
        });
        int killPid = Commands.Kill(Environment.ProcessId, Sig);
        var dropped = Poll.Result(rejected.Task, "the rejection report");
        Assert.That(dropped.SenderPid, Is.EqualTo(killPid));
        Assert.That(subscription.RejectedCount, Is.EqualTo(1));
        Assert.That(subscription.ReceivedCount, Is.Zero);
        // An allowed sender still gets through, and the dropped one never reached the callback.
        SignalSender.Kill(Environment.ProcessId, Sig);
        Poll.Expect(() => Volatile.Read(ref accepted) == 1, "the allowed sender");
        Assert.That(subscription.RejectedCount, Is.EqualTo(1));
    }

    [Test]
    public void AForeignUidIsDroppedAndReported()
    {
        using var scope = new SignalScope(Sig);
        int accepted = 0;
        var rejected = new TaskCompletionSource<SignalEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = SignalEvents.Subscribe(Sig, _ => Interlocked.Increment(ref accepted), new SubscriptionOptions
        {
            AllowedSenderUids = [SignalSender.UserId],
            OnRejected = e => rejected.TrySetResult(e),
        });
        Commands.KillAsNobody(Environment.ProcessId, Sig);
        var dropped = Poll.Result(rejected.Task, "the rejection report");
        Assert.That(dropped.SenderUid, Is.EqualTo(Commands.NobodyUid));
        Assert.That(subscription.RejectedCount, Is.EqualTo(1));
        Commands.Kill(Environment.ProcessId, Sig); // same uid as ours, another process: allowed
        Poll.Expect(() => Volatile.Read(ref accepted) == 1, "the allowed uid");
        Assert.That(subscription.ReceivedCount, Is.EqualTo(1));
    }

    [Test]
    public void OtherSubscribersWithoutAPolicyStillReceiveTheForeignSender()
    {
        using var scope = new SignalScope(Sig);
        int open = 0;
        using var strict = SignalEvents.Subscribe(Sig, _ => { }, new SubscriptionOptions { AllowedSenderPids = [Environment.ProcessId], OnRejected = _ => { } });
        using var lenient = SignalEvents.Subscribe(Sig, _ => Interlocked.Increment(ref open));
        Commands.Kill(Environment.ProcessId, Sig);
        Poll.Expect(() => Volatile.Read(ref open) == 1, "the subscriber without a policy");
        Poll.Expect(() => strict.RejectedCount == 1, "the strict subscriber's rejection");
    }
}
