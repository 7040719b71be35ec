using System.Collections.Concurrent;

namespace Signals.Tests.Composition;

/// <summary>
/// Issue 10, item 3: the kernel vouches for si_pid and si_uid only for kill (SI_USER), tgkill (SI_TKILL) and its
/// own codes; with SI_QUEUE they are whatever the sender wrote, so a sender policy that trusted them could be
/// passed by anyone who may signal us. Forged here with rt_sigqueueinfo (claiming pid 1, uid 0).
/// </summary>
[TestFixture, NonParallelizable]
public class VerifiedSenderTests
{
    private static readonly Signal Sig = Signal.SIGUSR2;
    private const int ClaimedPid = 1;
    private const uint ClaimedUid = 0;

    [Test]
    public void AForgedSenderIsRejectedAndARealOneFromTheSameUidIsAccepted()
    {
        using var scope = new SignalScope(Sig);
        var witnessed = new ConcurrentQueue<SignalEvent>();
        var rejectedByUid = new ConcurrentQueue<SignalEvent>();
        int acceptedByUid = 0, acceptedByPid = 0;
        using var witness = SignalEvents.Subscribe(Sig, witnessed.Enqueue);
        using var byUid = SignalEvents.Subscribe(Sig, _ => Interlocked.Increment(ref acceptedByUid), new SubscriptionOptions
        {
            AllowedSenderUids = [ClaimedUid, SignalSender.UserId],
            OnRejected = rejectedByUid.Enqueue,
        });
        using var byPid = SignalEvents.Subscribe(Sig, _ => Interlocked.Increment(ref acceptedByPid), new SubscriptionOptions
        {
            AllowedSenderPids = [ClaimedPid],
            OnRejected = _ => { },
        });

        ForgedSender.Send(Environment.ProcessId, Sig, ForgedSender.CodeQueue, ClaimedPid, ClaimedUid);
        Poll.Expect(() => witnessed.Count == 1, "the forged delivery (seen by a subscription without a policy)");
        Poll.Expect(() => byUid.RejectedCount == 1 && byPid.RejectedCount == 1, "both policies reject the forged sender");
        Assert.That((acceptedByUid, acceptedByPid), Is.EqualTo((0, 0)));
        var forged = witnessed.Single();
        Assert.That((forged.SenderPid, forged.SenderUid, forged.Code), Is.EqualTo((ClaimedPid, ClaimedUid, SignalCode.Queue)), "the claim reached the record as written");
        Assert.That(forged.IsSenderVerified, Is.False);
        Assert.That(forged.ToString(), Does.EndWith("(Queue, not verified)"));
        Assert.That(rejectedByUid.Single().SenderPid, Is.EqualTo(ClaimedPid));

        SignalSender.Kill(Environment.ProcessId, Sig); // SI_USER: the kernel fills in our pid and uid
        Poll.Expect(() => Volatile.Read(ref acceptedByUid) == 1, "a real kill from an allowed uid");
        Poll.Expect(() => byPid.RejectedCount == 2, "a real kill from a pid that is not allowed");
        var real = witnessed.Last();
        Assert.That(real.IsSenderVerified, Is.True);
        Assert.That(real.ToString(), Does.EndWith("(User, verified)"));
        Assert.That(acceptedByPid, Is.Zero);
        Assert.That(byUid.RejectedCount, Is.EqualTo(1));
    }

    [Test]
    public void OnlyKillTgkillAndTheKernelAreVerified()
    {
        using var scope = new SignalScope(Sig);
        var seen = new ConcurrentQueue<SignalEvent>();
        using var subscription = SignalEvents.Subscribe(Sig, seen.Enqueue);
        SignalSender.Kill(Environment.ProcessId, Sig);
        Poll.Expect(() => seen.Count == 1, "kill");
        SignalSender.ThreadKill(SignalSender.CurrentThreadId, Sig);
        Poll.Expect(() => seen.Count == 2, "tgkill");
        SignalSender.Queue(Environment.ProcessId, Sig, 7);
        Poll.Expect(() => seen.Count == 3, "sigqueue");
        var byCode = seen.ToDictionary(e => e.Code, e => e.IsSenderVerified);
        Assert.That(byCode, Is.EquivalentTo(new Dictionary<SignalCode, bool>
        {
            [SignalCode.User] = true,
            [SignalCode.ThreadKill] = true,
            [SignalCode.Queue] = false, // sigqueue's pid and uid are filled in by the sender's libc, not the kernel
        }));
    }
}
