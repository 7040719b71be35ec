using System.Runtime.InteropServices;

namespace Signals.Tests;

/// <summary>
/// The tamper check: a PosixSignalRegistration made before our subscription and then disposed makes
/// System.Native put back the action it saved (SIG_DFL), wiping ours. Each test uses its own signal
/// (SIGRTMIN+7, SIGRTMIN+8), which no other test touches, because afterwards System.Native's handler stays
/// recorded beneath ours: a second round on the same signal would have System.Native put its own handler
/// function back over ours, which is not tampering (a handler function over ours is the next owner).
/// </summary>
[TestFixture, NonParallelizable]
public class TamperingTests
{
    private static readonly Signal Sig = Signal.RealTime(7);
    private static readonly Signal OtherSig = Signal.RealTime(8);

    [TearDown]
    public void RepairOn() => SignalEvents.RepairTampering = true;

    private static SignalSubscription SubscribeThenLetSystemNativeOverwrite(Signal signal, Action<SignalEvent> callback)
    {
        var registration = PosixSignalRegistration.Create((PosixSignal)signal.Number, context => context.Cancel = true);
        var subscription = SignalEvents.Subscribe(signal, callback);
        registration.Dispose(); // System.Native: sigaction(sig, the action it saved before ours)
        return subscription;
    }

    [Test]
    public void CheckTamperingDetectsAForeignOverwriteAndRepairs()
    {
        SignalEvents.RepairTampering = false; // this test, not the dispatcher, must find it
        int received = 0;
        using var subscription = SubscribeThenLetSystemNativeOverwrite(Sig, _ => Interlocked.Increment(ref received));
        Assert.That(SignalHandlers.Get(Sig).Kind, Is.EqualTo(SignalDispositionKind.Default), "System.Native restored SIG_DFL over ours");
        Assert.That(SignalEvents.CheckTampering(repair: false), Is.EqualTo(new[] { Sig }));
        Assert.That(SignalHandlers.Get(Sig).Kind, Is.EqualTo(SignalDispositionKind.Default), "repair: false changes nothing");
        Assert.That(SignalEvents.CheckTampering(repair: true), Is.EqualTo(new[] { Sig }));
        Assert.That(SignalHandlers.Get(Sig).Kind, Is.EqualTo(SignalDispositionKind.Managed));
        Assert.That(SignalEvents.CheckTampering(repair: false), Is.Empty);
        SignalSender.Kill(Environment.ProcessId, Sig);
        Poll.Expect(() => Volatile.Read(ref received) == 1, "the signal after the repair");
    }

    [Test]
    public void TheDispatcherRepairsByItself()
    {
        int received = 0;
        using var subscription = SubscribeThenLetSystemNativeOverwrite(OtherSig, _ => Interlocked.Increment(ref received));
        Poll.Expect(() => SignalHandlers.Get(OtherSig).Kind == SignalDispositionKind.Managed, "the dispatcher's repair (every 200 ms)");
        SignalSender.Kill(Environment.ProcessId, OtherSig);
        Poll.Expect(() => Volatile.Read(ref received) == 1, "the signal after the repair");
    }
}
