namespace Signals.Tests;

/// <summary>Python's signal.signal / getsignal / SIG_DFL / SIG_IGN.</summary>
[TestFixture, NonParallelizable]
public class SignalHandlersTests
{
    private static readonly Signal Sig = Signal.SIGUSR2;

    [TearDown]
    public void RestoreDefault()
    {
        SignalHandlers.Restore(Sig);
        if (SignalHandlers.Get(Sig).Kind != SignalDispositionKind.Default)
            SignalHandlers.Set(Sig, SignalDisposition.Default);
    }

    [Test]
    public void SetReturnsDefaultFirstThenTheHandlerItReplaced()
    {
        Action<SignalEvent> first = _ => { }, second = _ => { };
        Assert.That(SignalHandlers.Get(Sig).Kind, Is.EqualTo(SignalDispositionKind.Default));
        var previous = SignalHandlers.Set(Sig, first);
        Assert.That(previous, Is.SameAs(SignalDisposition.Default));
        previous = SignalHandlers.Set(Sig, second);
        Assert.That(previous.Kind, Is.EqualTo(SignalDispositionKind.Managed));
        Assert.That(previous.Handler, Is.SameAs(first));
        Assert.That(SignalHandlers.Get(Sig).Handler, Is.SameAs(second));
    }

    [Test]
    public void TheHandlerSetReceivesARealSignal()
    {
        var received = new TaskCompletionSource<SignalEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        SignalHandlers.Set(Sig, e => received.TrySetResult(e));
        SignalSender.Kill(Environment.ProcessId, Sig);
        Assert.That(Poll.Result(received.Task, "the handler").Signal, Is.EqualTo(Sig));
    }

    [Test]
    public void SecondSetReplacesTheFirstHandlerForDeliveries()
    {
        int first = 0, second = 0;
        SignalHandlers.Set(Sig, _ => Interlocked.Increment(ref first));
        SignalHandlers.Set(Sig, _ => Interlocked.Increment(ref second));
        SignalSender.Kill(Environment.ProcessId, Sig);
        Poll.Expect(() => Volatile.Read(ref second) == 1, "the second handler");
        Assert.That(first, Is.Zero, "the replaced handler must not run: it was disposed before the signal was sent");
    }

    [Test]
    public void IgnoredThenDefaultRoundTrip()
    {
        var previous = SignalHandlers.Set(Sig, SignalDisposition.Ignored);
        Assert.That(previous.Kind, Is.EqualTo(SignalDispositionKind.Default));
        Assert.That(SignalHandlers.Get(Sig).Kind, Is.EqualTo(SignalDispositionKind.Ignored));
        // SIG_IGN for real: the kernel discards it, the process lives and nothing is left pending.
        SignalSender.Kill(Environment.ProcessId, Sig);
        Assert.That(SignalMask.Pending(), Does.Not.Contain(Sig));
        previous = SignalHandlers.Set(Sig, SignalDisposition.Default);
        Assert.That(previous.Kind, Is.EqualTo(SignalDispositionKind.Ignored));
        Assert.That(SignalHandlers.Get(Sig).Kind, Is.EqualTo(SignalDispositionKind.Default));
    }

    [Test]
    public void SettingADispositionReturnedEarlierPutsItBack()
    {
        Action<SignalEvent> handler = _ => { };
        SignalHandlers.Set(Sig, handler);
        var replaced = SignalHandlers.Set(Sig, SignalDisposition.Ignored);
        Assert.That(replaced.Handler, Is.SameAs(handler));
        SignalHandlers.Set(Sig, replaced);
        Assert.That(SignalHandlers.Get(Sig).Kind, Is.EqualTo(SignalDispositionKind.Managed));
        Assert.That(SignalHandlers.Get(Sig).Handler, Is.SameAs(handler));
    }

    [Test]
    public void RestorePutsBackTheDispositionFromBeforeOurHandler()
    {
        SignalHandlers.Set(Sig, SignalDisposition.Ignored);
        SignalHandlers.Set(Sig, _ => { });
        Assert.That(SignalHandlers.Restore(Sig), Is.True);
        Assert.That(SignalHandlers.Get(Sig).Kind, Is.EqualTo(SignalDispositionKind.Ignored));
        Assert.That(SignalHandlers.Restore(Sig), Is.False, "nothing left to restore");
    }

    // Found by stress R8: Shutdown disposed the handler's subscription, but Restore still reported it.
    [Test]
    public void RestoreAfterShutdownReportsNothingToRestore()
    {
        SignalHandlers.Set(Sig, _ => { });
        SignalEvents.Shutdown();
        Assert.That(SignalHandlers.Get(Sig).Kind, Is.EqualTo(SignalDispositionKind.Default), "Shutdown put back SIG_DFL");
        Assert.That(SignalHandlers.Restore(Sig), Is.False, "Shutdown already removed the handler");
    }

    // SIGINT and SIGQUIT are checked in a child started with default dispositions (below): a test runner started
    // from a non-interactive shell's background job inherits them ignored, and the runtime keeps them so.
    [Test]
    public void GetReportsTheRuntimesHandlersAsNative()
    {
        // CoreCLR's PAL installs its fault handlers and the GC's SIGRTMIN handler before Main, whatever was inherited.
        Assert.That(SignalHandlers.Get(Signal.SIGSEGV).Kind, Is.EqualTo(SignalDispositionKind.Native));
        Assert.That(SignalHandlers.Get(Signal.RealTimeMin).Kind, Is.EqualTo(SignalDispositionKind.Native));
        Assert.That(SignalHandlers.Get(Signal.SIGSEGV).ToString(), Is.EqualTo("native handler"));
    }

    [Test]
    public void GetInAFreshProcessSeesWhatTheRuntimeInstalled()
    {
        using var child = TestHostProcess.Start("dispositions");
        Assert.That(child.WaitForExit(), Is.Zero, child.Transcript);
        Assert.Multiple(() =>
        {
            Assert.That(child.Line("SIGINT="), Is.EqualTo("SIGINT=Native"), "the PAL's sigint_handler");
            Assert.That(child.Line("SIGQUIT="), Is.EqualTo("SIGQUIT=Native"));
            Assert.That(child.Line("SIGTERM="), Is.EqualTo("SIGTERM=Native"), "the PAL's sigterm_handler");
            Assert.That(child.Line("SIGUSR1="), Is.EqualTo("SIGUSR1=Default"));
            Assert.That(child.Line("SIGPIPE="), Is.EqualTo("SIGPIPE=Ignored"), "the runtime ignores SIGPIPE");
            Assert.That(child.Line("SIGCHLD="), Is.EqualTo("SIGCHLD=Default"), "System.Native installs it only with Process/Console");
            Assert.That(child.Line("SIGINT while set="), Is.EqualTo("SIGINT while set=Managed"));
            Assert.That(child.Line("SIGINT after Set and Restore="), Is.EqualTo("SIGINT after Set and Restore=Native"),
                "Restore puts back the runtime's handler");
        });
    }

    [Test]
    public void SetDefaultWhileOtherSubscriptionsLiveIsRefused()
    {
        using var other = SignalEvents.Subscribe(Sig, _ => { });
        var error = Assert.Throws<InvalidOperationException>(() => SignalHandlers.Set(Sig, SignalDisposition.Default))!;
        Assert.That(error.Message, Does.Contain("SIGUSR2").And.Contain("1 subscription"));
        Assert.That(SignalHandlers.Get(Sig).SubscriptionCount, Is.EqualTo(1));
    }
}
