
namespace Signals.Tests;

[TestFixture, NonParallelizable]
public class SmokeTests
{
    [Test]
    public void KillToSelfReachesSubscriber()
    {
        var received = new TaskCompletionSource<SignalEvent>();
        using var subscription = SignalEvents.Subscribe(Signal.SIGUSR1, e => received.TrySetResult(e));
        SignalSender.Kill(Environment.ProcessId, Signal.SIGUSR1);
        Assert.That(received.Task.Wait(TimeSpan.FromSeconds(20)), Is.True, "no SIGUSR1 within 20 s");
        var e = received.Task.Result;
        Assert.That(e.Signal, Is.EqualTo(Signal.SIGUSR1));
        Assert.That(e.SenderPid, Is.EqualTo(Environment.ProcessId));
        Assert.That(e.Code, Is.EqualTo(SignalCode.User));
    }
}
