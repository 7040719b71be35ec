namespace Signals.Tests;

/// <summary>Python's pause, sigwaitinfo and sigtimedwait (SignalEvents.Pause and Wait).</summary>
[TestFixture, NonParallelizable]
public class SignalWaitTests
{
    private static readonly Signal Sig = Signal.SIGUSR2;

    // Sends Sig every 100 ms until the wait under test returns: a wait begins at an unknown moment, and a
    // signal sent before it began is not one it may return.
    private static Task KeepSending(Task until) => Task.Run(async () =>
    {
        while (!until.IsCompleted)
        {
            SignalSender.Kill(Environment.ProcessId, Sig);
            await Task.WhenAny(until, Task.Delay(100));
        }
    });

    [Test]
    public void WaitReturnsTheEventWithItsInfo()
    {
        using var scope = new SignalScope(Sig);
        var wait = Task.Run(() => SignalEvents.Wait([Sig], TimeSpan.FromSeconds(30)));
        _ = KeepSending(wait);
        var e = Poll.Result(wait, "sigtimedwait");
        Assert.That(e, Is.Not.Null);
        Assert.That(e!.Value.Signal, Is.EqualTo(Sig));
        Assert.That(e.Value.SenderPid, Is.EqualTo(Environment.ProcessId));
        Assert.That(e.Value.Code, Is.EqualTo(SignalCode.User));
    }

    // The documented differences from Python's sigtimedwait (README, "How SignalEvents.Wait differs"): no pending
    // state, and the delivery it returns is not consumed (another subscription gets it too).
    [Test]
    public void WaitSeesOnlyLaterDeliveriesAndDoesNotConsumeThem()
    {
        using var scope = new SignalScope(Sig);
        var seenByOther = new System.Collections.Concurrent.ConcurrentDictionary<long, bool>();
        using var subscription = SignalEvents.Subscribe(Sig, e => seenByOther[e.Timestamp] = true);
        SignalSender.Kill(Environment.ProcessId, Sig);
        Poll.Expect(() => seenByOther.Count == 1, "the delivery before the wait");
        Assert.That(SignalEvents.Wait([Sig], TimeSpan.Zero), Is.Null, "a delivery from before the call is not pending for Wait");
        var wait = Task.Run(() => SignalEvents.Wait([Sig], TimeSpan.FromSeconds(30)));
        _ = KeepSending(wait);
        var returned = Poll.Result(wait, "sigtimedwait");
        Assert.That(returned, Is.Not.Null);
        Poll.Expect(() => seenByOther.ContainsKey(returned!.Value.Timestamp), "the other subscription received the very delivery Wait returned");
    }

    [Test]
    public void WaitWithoutTimeoutIsSigwaitinfo()
    {
        using var scope = new SignalScope(Sig);
        var wait = Task.Run(() => SignalEvents.Wait([Sig]));
        _ = KeepSending(wait);
        Assert.That(Poll.Result(wait, "sigwaitinfo").Signal, Is.EqualTo(Sig));
    }

    [Test]
    public void WaitTimesOutWithNull()
    {
        using var scope = new SignalScope(Sig);
        var started = DateTime.UtcNow;
        Assert.That(SignalEvents.Wait([Sig], TimeSpan.FromMilliseconds(300)), Is.Null);
        Assert.That(DateTime.UtcNow - started, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(290)));
    }

    [Test]
    public void PauseReturnsOnceASignalWasDispatched()
    {
        using var scope = new SignalScope(Sig);
        var pause = Task.Run(() => SignalEvents.Pause(TimeSpan.FromSeconds(30)));
        _ = KeepSending(pause);
        Assert.That(Poll.Result(pause, "pause"), Is.True);
    }

    [Test]
    public void PauseTimesOutWithFalse()
    {
        // Nothing sends anything during these 300 ms (tests touching signals are serialised).
        Assert.That(SignalEvents.Pause(TimeSpan.FromMilliseconds(300)), Is.False);
    }

    [Test]
    public void PauseFromACallbackIsRefused()
    {
        var thrown = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = SignalEvents.Subscribe(Sig, _ =>
        {
            try { SignalEvents.Pause(TimeSpan.FromSeconds(1)); thrown.TrySetResult(null); }
            catch (Exception error) { thrown.TrySetResult(error); }
        });
        SignalSender.Kill(Environment.ProcessId, Sig);
        Assert.That(Poll.Result(thrown.Task, "the callback"), Is.InstanceOf<InvalidOperationException>());
    }
}
