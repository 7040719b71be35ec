namespace Signals.Tests;

/// <summary>Several independent subscribers per signal, each an IDisposable.</summary>
[TestFixture, NonParallelizable]
public class SubscriptionTests
{
    private static readonly Signal Sig = Signal.SIGUSR2;

    [Test]
    public void EverySubscriberReceivesEachDelivery()
    {
        int a = 0, b = 0, c = 0;
        using var first = SignalEvents.Subscribe(Sig, _ => Interlocked.Increment(ref a));
        using var second = SignalEvents.Subscribe(Sig, _ => Interlocked.Increment(ref b));
        using var third = SignalEvents.Subscribe([Sig, Signal.SIGUSR1], _ => Interlocked.Increment(ref c));
        Assert.That(SignalHandlers.Get(Sig).SubscriptionCount, Is.EqualTo(3));
        SignalSender.Kill(Environment.ProcessId, Sig);
        Poll.Expect(() => Volatile.Read(ref a) == 1 && Volatile.Read(ref b) == 1 && Volatile.Read(ref c) == 1, "all three subscribers");
        Assert.That(first.ReceivedCount, Is.EqualTo(1));
        Assert.That(third.Signals, Is.EquivalentTo(new[] { Sig, Signal.SIGUSR1 }));
    }

    [Test]
    public void DisposingOneLeavesTheOthersReceiving()
    {
        int kept = 0, dropped = 0;
        using var keep = SignalEvents.Subscribe(Sig, _ => Interlocked.Increment(ref kept));
        var drop = SignalEvents.Subscribe(Sig, _ => Interlocked.Increment(ref dropped));
        drop.Dispose();
        SignalSender.Kill(Environment.ProcessId, Sig);
        Poll.Expect(() => Volatile.Read(ref kept) == 1, "the remaining subscriber");
        Assert.That(dropped, Is.Zero, "disposed before the signal was sent");
        Assert.That(drop.IsDisposed, Is.True);
    }

    [Test]
    public void DisposingTheLastPutsTheDefaultBack()
    {
        var subscription = SignalEvents.Subscribe(Sig, _ => { });
        Assert.That(SignalHandlers.Get(Sig).Kind, Is.EqualTo(SignalDispositionKind.Managed));
        subscription.Dispose();
        Assert.That(SignalHandlers.Get(Sig).Kind, Is.EqualTo(SignalDispositionKind.Default));
    }

    [Test]
    public void DisposeIsIdempotent()
    {
        int received = 0;
        using var other = SignalEvents.Subscribe(Sig, _ => Interlocked.Increment(ref received));
        var subscription = SignalEvents.Subscribe(Sig, _ => { });
        subscription.Dispose();
        subscription.Dispose();
        Assert.That(SignalHandlers.Get(Sig).SubscriptionCount, Is.EqualTo(1), "the second Dispose removed nothing else");
        SignalSender.Kill(Environment.ProcessId, Sig);
        Poll.Expect(() => Volatile.Read(ref received) == 1, "the other subscriber");
    }

    [Test]
    public void DisposeFromInsideTheCallbackStopsFurtherDeliveries()
    {
        using var scope = new SignalScope(Sig);
        int calls = 0, later = 0;
        SignalSubscription? self = null;
        self = SignalEvents.Subscribe(Sig, _ =>
        {
            Interlocked.Increment(ref calls);
            self!.Dispose();
            self.Dispose(); // twice, still from inside
        });
        using var witness = SignalEvents.Subscribe(Sig, _ => Interlocked.Increment(ref later));
        SignalSender.Kill(Environment.ProcessId, Sig);
        Poll.Expect(() => Volatile.Read(ref later) == 1, "the first delivery");
        SignalSender.Kill(Environment.ProcessId, Sig);
        Poll.Expect(() => Volatile.Read(ref later) == 2, "the second delivery, on the dispatcher that survived the Dispose");
        Assert.That(calls, Is.EqualTo(1), "the self-disposed callback ran once");
        Assert.That(self.IsDisposed, Is.True);
    }

    [Test]
    public void ShutdownDisposesEverythingAndALaterSubscribeStartsAgain()
    {
        var subscription = SignalEvents.Subscribe(Sig, _ => { });
        SignalEvents.Shutdown();
        Assert.That(subscription.IsDisposed, Is.True);
        Assert.That(SignalHandlers.Get(Sig).Kind, Is.EqualTo(SignalDispositionKind.Default));
        int received = 0;
        using var again = SignalEvents.Subscribe(Sig, _ => Interlocked.Increment(ref received));
        SignalSender.Kill(Environment.ProcessId, Sig);
        Poll.Expect(() => Volatile.Read(ref received) == 1, "a delivery after the restart");
    }
}
