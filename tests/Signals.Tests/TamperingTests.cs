using System.Runtime.InteropServices;
using Signals.Dispatch;

namespace Signals.Tests;

/// <summary>
/// The tamper check: a PosixSignalRegistration made before our subscription and then disposed makes
/// System.Native put back the action it saved (SIG_DFL), wiping ours. Each test uses its own signal
/// (SIGRTMIN+7, +8, +9), which no other test touches, because afterwards System.Native's handler stays
/// recorded beneath ours: a second round on the same signal would have System.Native put its own handler
/// function back over ours, which is not tampering (a handler function over ours is the next owner).
/// </summary>
[TestFixture, NonParallelizable]
public class TamperingTests
{
    private static readonly Signal Sig = Signal.RealTime(7);
    private static readonly Signal OtherSig = Signal.RealTime(8);
    private static readonly Signal BackedOffSig = Signal.RealTime(9);

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
    public void TheDispatcherRepairsAfterItsChecksBackedOff()
    {
        int received = 0;
        var registration = PosixSignalRegistration.Create((PosixSignal)BackedOffSig.Number, context => context.Cancel = true);
        using var subscription = SignalEvents.Subscribe(BackedOffSig, _ => Interlocked.Increment(ref received));
        // Long enough without changes for the check interval to have backed off (to 3.2-6.4 s by then).
        Thread.Sleep(TimeSpan.FromSeconds(5));
        registration.Dispose(); // System.Native puts SIG_DFL back over ours, while the dispatcher checks seldom
        Poll.Expect(() => SignalHandlers.Get(BackedOffSig).Kind == SignalDispositionKind.Managed, "the dispatcher's repair (within the backed-off interval)");
        SignalSender.Kill(Environment.ProcessId, BackedOffSig);
        Poll.Expect(() => Volatile.Read(ref received) == 1, "the signal after the repair");
    }

    [Test]
    public void TheDispatcherRepairsByItself()
    {
        int received = 0;
        using var subscription = SubscribeThenLetSystemNativeOverwrite(OtherSig, _ => Interlocked.Increment(ref received));
        Poll.Expect(() => SignalHandlers.Get(OtherSig).Kind == SignalDispositionKind.Managed, "the dispatcher's repair (within 200 ms of a subscription change)");
        SignalSender.Kill(Environment.ProcessId, OtherSig);
        Poll.Expect(() => Volatile.Read(ref received) == 1, "the signal after the repair");
    }
}
