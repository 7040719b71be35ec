using System.Runtime.InteropServices;
using Signals.Dispatch;

namespace Signals.Tests;

/// <summary>
/// The tamper check: a PosixSignalRegistration made before our subscription and then disposed makes
/// System.Native put back the action it saved, wiping ours. Uses SIGRTMIN+7, which no other test touches,
/// because afterwards System.Native's handler stays recorded beneath ours.
/// </summary>
[TestFixture, NonParallelizable]
public class TamperingTests
{
    private static readonly Signal Sig = Signal.RealTime(7);

    [TearDown]
    public void RepairOn() => SignalEvents.RepairTampering = true;

    private static SignalSubscription SubscribeThenLetSystemNativeOverwrite(Action<SignalEvent> callback)
    {
        var registration = PosixSignalRegistration.Create((PosixSignal)Sig.Number, context => context.Cancel = true);
        var subscription = SignalEvents.Subscribe(Sig, callback);
        registration.Dispose(); // System.Native: sigaction(sig, the action it saved before ours)
        return subscription;
    }

    [Test]
    public void CheckTamperingDetectsAForeignOverwriteAndRepairs()
    {
        SignalEvents.RepairTampering = false; // this test, not the dispatcher, must find it
        int received = 0;
        using var subscription = SubscribeThenLetSystemNativeOverwrite(_ => Interlocked.Increment(ref received));
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
        var registration = PosixSignalRegistration.Create((PosixSignal)Sig.Number, context => context.Cancel = true);
        using var subscription = SignalEvents.Subscribe(Sig, _ => Interlocked.Increment(ref received));
        // Long enough without changes for the check interval to have backed off (to 3.2-6.4 s by then).
        Thread.Sleep(TimeSpan.FromSeconds(5));
        registration.Dispose(); // System.Native puts SIG_DFL back over ours, while the dispatcher checks seldom
        Poll.Expect(() => SignalHandlers.Get(Sig).Kind == SignalDispositionKind.Managed, "the dispatcher's repair (within the backed-off interval)");
        SignalSender.Kill(Environment.ProcessId, Sig);
        Poll.Expect(() => Volatile.Read(ref received) == 1, "the signal after the repair");
    }

    [Test]
    public void TheDispatcherRepairsByItself()
    {
        int received = 0;
        using var subscription = SubscribeThenLetSystemNativeOverwrite(_ => Interlocked.Increment(ref received));
        Poll.Expect(() => SignalHandlers.Get(Sig).Kind == SignalDispositionKind.Managed, "the dispatcher's repair (within 200 ms of a subscription change)");
        SignalSender.Kill(Environment.ProcessId, Sig);
        Poll.Expect(() => Volatile.Read(ref received) == 1, "the signal after the repair");
    }
}
