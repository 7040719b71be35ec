using Signals.Interop;

namespace Signals.Tests;

/// <summary>
/// A flood of one standard signal while the dispatcher is held up: the pipe fills, later deliveries become a
/// coalesced event, and the counts still add up to what the native handler counted.
/// </summary>
[TestFixture, NonParallelizable]
public class CoalescingTests
{
    private static readonly Signal Sig = Signal.SIGUSR2;

    [Test]
    public void CoalescedCountsAddUpToTheNativeCounters()
    {
        using var scope = new SignalScope(Sig);
        using var release = new ManualResetEventSlim();
        using var entered = new ManualResetEventSlim();
        long total = 0, coalescedEvents = 0, coalescedDeliveries = 0, wrongCode = 0;
        using var subscription = SignalEvents.Subscribe(Sig, e =>
        {
            if (!entered.IsSet)
            {
                entered.Set();
                release.Wait(Poll.Deadline); // hold the dispatcher so the pipe fills behind it
            }
            if (e.IsCoalesced)
            {
                Interlocked.Increment(ref coalescedEvents);
                Interlocked.Add(ref coalescedDeliveries, e.Count);
                if (e.Code != SignalCode.Coalesced || e.SenderPid != 0)
                    Interlocked.Increment(ref wrongCode);
            }
            Interlocked.Add(ref total, e.Count);
        });
        var (deliveredBefore, overflowedBefore) = SignalEvents.Counters(Sig);
        SignalSender.Raise(Sig);
        Assert.That(entered.Wait(Poll.Deadline), Is.True, "the dispatcher took the first delivery");
        int flood = Native.SignalsPipeCapacity() + 500;
        for (int i = 0; i < flood; i++)
            SignalSender.Raise(Sig); // each Raise runs the handler before returning: no merging in the kernel
        release.Set();
        int sent = flood + 1;
        Poll.Expect(() => Interlocked.Read(ref total) >= sent, $"{sent} deliveries accounted for");
        var (deliveredAfter, overflowedAfter) = SignalEvents.Counters(Sig);
        Assert.That(deliveredAfter - deliveredBefore, Is.EqualTo((ulong)sent), "the native handler counted each Raise");
        Assert.That(Interlocked.Read(ref total), Is.EqualTo((long)(deliveredAfter - deliveredBefore)));
        Assert.That(Interlocked.Read(ref coalescedEvents), Is.GreaterThanOrEqualTo(1), "more than a pipeful was sent");
        Assert.That(Interlocked.Read(ref coalescedDeliveries), Is.EqualTo((long)(overflowedAfter - overflowedBefore)));
        Assert.That(Interlocked.Read(ref wrongCode), Is.Zero, "a coalesced event has code Coalesced and no sender");
        Assert.That(subscription.ReceivedCount, Is.EqualTo(sent));
    }
}
