using System.Diagnostics;

namespace Signals.Tests;

/// <summary>Race-free sending through a pidfd: Kill(Process), ProcessHandle, and a value with SI_QUEUE.</summary>
[TestFixture, NonParallelizable]
public class SignalSenderPidfdTests
{
    private static Process StartSleeper() =>
        Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })
        ?? throw new InvalidOperationException("sleep did not start");

    private static SignalEvent ReceiveOne(Signal signal, Action send)
    {
        using var scope = new SignalScope(signal);
        var received = new TaskCompletionSource<SignalEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = SignalEvents.Subscribe(signal, e => received.TrySetResult(e));
        send();
        return Poll.Result(received.Task, $"{signal}");
    }

    [Test]
    public void KillProcessDelivers()
    {
        using var child = StartSleeper();
        SignalSender.Kill(child, Signal.SIGTERM);
        Assert.That(child.WaitForExit(Poll.Deadline), Is.True, "the child exits");
        Assert.That(child.ExitCode, Is.EqualTo(128 + Signal.SIGTERM.Number), ".NET reports death by signal N as 128+N");
    }

    [Test]
    public void StaleHandleThrowsInsteadOfReachingAnotherProcess()
    {
        using var child = StartSleeper();
        using var handle = SignalSender.OpenProcess(child);
        Assert.That(handle.ProcessId, Is.EqualTo(child.Id));
        SignalSender.Kill(handle, Signal.SIGKILL);
        Assert.That(child.WaitForExit(Poll.Deadline), Is.True, "the child exits");
        Assert.That(child.ExitCode, Is.EqualTo(128 + Signal.SIGKILL.Number));
        // Reaped: the pid is free for any new process. The pidfd still names the dead one, so the kernel refuses
        // (ESRCH) and nothing is sent, whoever holds the pid now.
        var stale = Assert.Throws<InvalidOperationException>(() => SignalSender.Kill(handle, Signal.SIGTERM));
        Assert.That(stale!.Message, Does.Contain($"process {child.Id} has exited"));
        Assert.Throws<InvalidOperationException>(() => SignalSender.Queue(handle, Signal.SIGTERM, 1));
        var byProcess = Assert.Throws<InvalidOperationException>(() => SignalSender.Kill(child, Signal.SIGTERM));
        Assert.That(byProcess!.Message, Does.Contain("has exited"));
    }

    [TestCase(42L)]
    [TestCase(-7L)]
    [TestCase(0x0123_4567_89AB_CDEFL)]
    public void QueueThroughAPidfdCarriesItsValueAsSiQueue(long value)
    {
        var signal = Signal.RealTime(1);
        using var self = SignalSender.OpenProcess(Environment.ProcessId);
        var e = ReceiveOne(signal, () => SignalSender.Queue(self, signal, value));
        Assert.That(e.Code, Is.EqualTo(SignalCode.Queue));
        Assert.That(e.Value, Is.EqualTo(value));
        Assert.That(e.SenderPid, Is.EqualTo(Environment.ProcessId));
        Assert.That(e.SenderUid, Is.EqualTo(SignalSender.UserId));
    }

    [Test]
    public void KillThroughAPidfdIsSiUser()
    {
        using var self = SignalSender.OpenProcess(Environment.ProcessId);
        var e = ReceiveOne(Signal.SIGUSR2, () => SignalSender.Kill(self, Signal.SIGUSR2));
        Assert.That(e.Code, Is.EqualTo(SignalCode.User));
        Assert.That(e.SenderPid, Is.EqualTo(Environment.ProcessId));
        Assert.That(e.Value, Is.Zero);
    }

    [Test]
    public void ErrorsAreClear()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SignalSender.OpenProcess(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SignalSender.OpenProcess(-1));
        // Above any pid_max (at most 2^22): no such process.
        var missing = Assert.Throws<ArgumentException>(() => SignalSender.OpenProcess(int.MaxValue));
        Assert.That(missing!.Message, Does.Contain("ESRCH"));
        var handle = SignalSender.OpenProcess(Environment.ProcessId);
        handle.Dispose();
        handle.Dispose();
        Assert.That(handle.IsClosed, Is.True);
        Assert.Throws<ObjectDisposedException>(() => SignalSender.Kill(handle, Signal.SIGUSR2));
        Assert.Throws<ArgumentException>(() => SignalSender.Kill(handle, default(Signal)));
        using var notStarted = new Process();
        Assert.Throws<InvalidOperationException>(() => SignalSender.Kill(notStarted, Signal.SIGTERM));
    }
}
