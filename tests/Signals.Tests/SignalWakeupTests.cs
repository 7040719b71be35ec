namespace Signals.Tests;

/// <summary>set_wakeup_fd for .NET: a WaitHandle and an awaitable.</summary>
[TestFixture, NonParallelizable]
public class SignalWakeupTests
{
    private static readonly Signal Sig = Signal.SIGUSR2;

    [Test]
    public void WaitHandleIsSetBySignal()
    {
        using var scope = new SignalScope(Sig);
        using var wakeup = new SignalWakeup(Sig);
        Assert.That(wakeup.WaitHandle.WaitOne(0), Is.False, "nothing arrived yet");
        SignalSender.Kill(Environment.ProcessId, Sig);
        Assert.That(wakeup.WaitHandle.WaitOne(Poll.Deadline), Is.True);
        Assert.That(wakeup.Count, Is.EqualTo(1));
    }

    [Test]
    public void WaitAsyncCompletesAtTheNextDelivery()
    {
        using var scope = new SignalScope(Sig);
        using var wakeup = new SignalWakeup(Sig);
        var next = wakeup.WaitAsync();
        Assert.That(next.IsCompleted, Is.False);
        SignalSender.Kill(Environment.ProcessId, Sig);
        Assert.That(next.Wait(Poll.Deadline), Is.True);
    }

    [Test]
    public void WaitAsyncHonoursCancellation()
    {
        using var wakeup = new SignalWakeup(Sig);
        using var cancel = new CancellationTokenSource();
        var next = wakeup.WaitAsync(cancel.Token);
        cancel.Cancel();
        Assert.That(() => next.Wait(Poll.Deadline), Throws.InstanceOf<AggregateException>()
            .With.InnerException.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void WakeupObservesAndKeepsTheSignalsBehaviour()
    {
        using var wakeup = new SignalWakeup(Signal.SIGWINCH);
        Assert.That(SignalHandlers.Get(Signal.SIGWINCH).Kind, Is.EqualTo(SignalDispositionKind.Managed));
        // SIGWINCH's default is to ignore: with an observer, a real one is recorded and nothing else happens.
        SignalSender.Kill(Environment.ProcessId, Signal.SIGWINCH);
        Assert.That(wakeup.WaitHandle.WaitOne(Poll.Deadline), Is.True);
    }
}
