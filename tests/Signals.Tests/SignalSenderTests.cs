namespace Signals.Tests;

/// <summary>os.kill, raise_signal, pthread_kill, tgkill and sigqueue: what arrives and who it says sent it.</summary>
[TestFixture, NonParallelizable]
public class SignalSenderTests
{
    private static readonly Signal Sig = Signal.SIGUSR2;

    private static SignalEvent ReceiveOne(Signal signal, Action send)
    {
        using var scope = new SignalScope(signal);
        var received = new TaskCompletionSource<SignalEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = SignalEvents.Subscribe(signal, e => received.TrySetResult(e));
        send();
        return Poll.Result(received.Task, $"{signal}");
    }

    [Test]
    public void KillToOurselvesIsSiUserFromOurPidAndUid()
    {
        var e = ReceiveOne(Sig, () => SignalSender.Kill(Environment.ProcessId, Sig));
        Assert.That(e.Code, Is.EqualTo(SignalCode.User));
        Assert.That(e.SenderPid, Is.EqualTo(Environment.ProcessId));
        Assert.That(e.SenderUid, Is.EqualTo(SignalSender.UserId));
        Assert.That(e.Value, Is.Zero);
        Assert.That(e.Count, Is.EqualTo(1));
        Assert.That(e.Age, Is.GreaterThanOrEqualTo(TimeSpan.Zero).And.LessThan(TimeSpan.FromMinutes(1)));
    }

    [Test]
    public void RaiseIsThreadDirected()
    {
        var e = ReceiveOne(Sig, () => SignalSender.Raise(Sig));
        Assert.That(e.Code, Is.EqualTo(SignalCode.ThreadKill));
        Assert.That(e.SenderPid, Is.EqualTo(Environment.ProcessId));
    }

    [Test]
    public void PthreadKillToOurOwnThread()
    {
        var e = ReceiveOne(Sig, () => SignalSender.PthreadKill(SignalSender.CurrentThreadHandle, Sig));
        Assert.That(e.Code, Is.EqualTo(SignalCode.ThreadKill));
        Assert.That(e.SenderPid, Is.EqualTo(Environment.ProcessId));
    }

    [Test]
    public void ThreadKillToAnotherThread()
    {
        int targetId = 0;
        using var stop = new ManualResetEventSlim();
        var target = new Thread(() => { Volatile.Write(ref targetId, SignalSender.CurrentThreadId); stop.Wait(); }) { IsBackground = true };
        target.Start();
        Poll.Expect(() => Volatile.Read(ref targetId) != 0, "the target thread's id");
        Assert.That(targetId, Is.Not.EqualTo(SignalSender.CurrentThreadId));
        var e = ReceiveOne(Sig, () => SignalSender.ThreadKill(targetId, Sig));
        stop.Set();
        Assert.That(e.Code, Is.EqualTo(SignalCode.ThreadKill));
    }

    [TestCase(42L)]
    [TestCase(-7L)]
    [TestCase(0x0123_4567_89AB_CDEFL)]
    public void QueueCarriesItsValue(long value)
    {
        var e = ReceiveOne(Signal.RealTime(1), () => SignalSender.Queue(Environment.ProcessId, Signal.RealTime(1), value));
        Assert.That(e.Code, Is.EqualTo(SignalCode.Queue));
        Assert.That(e.Value, Is.EqualTo(value));
        Assert.That(e.SenderPid, Is.EqualTo(Environment.ProcessId));
    }

    [Test]
    public void TheKillCommandIsTheSender()
    {
        int killPid = 0;
        var e = ReceiveOne(Sig, () => killPid = Commands.Kill(Environment.ProcessId, Sig));
        Assert.That(e.Code, Is.EqualTo(SignalCode.User));
        Assert.That(e.SenderPid, Is.EqualTo(killPid), "si_pid is the kill process");
        Assert.That(e.SenderUid, Is.EqualTo(SignalSender.UserId));
    }

    [Test]
    public void AChildProcessIsTheSender()
    {
        using var child = TestHostProcess.Start("send", Environment.ProcessId.ToString(), "SIGRTMIN+1", "9001");
        int childPid = child.Pid;
        var e = ReceiveOne(Signal.RealTime(1), () => Assert.That(child.WaitForExit(), Is.Zero, child.Transcript));
        Assert.That(e.SenderPid, Is.EqualTo(childPid));
        Assert.That(e.SenderUid, Is.EqualTo(SignalSender.UserId));
        Assert.That(e.Code, Is.EqualTo(SignalCode.Queue));
        Assert.That(e.Value, Is.EqualTo(9001));
    }

    [Test]
    public void AnotherUsersSenderShowsItsUid()
    {
        int killPid = 0;
        var e = ReceiveOne(Sig, () => killPid = Commands.KillAsNobody(Environment.ProcessId, Sig));
        Assert.That(e.SenderUid, Is.EqualTo(Commands.NobodyUid));
        Assert.That(e.SenderPid, Is.EqualTo(killPid));
    }

    [Test]
    public void SendingToNoProcessFails()
    {
        int gone = Commands.Run("true").Pid; // reaped by now: its pid names no process (until reused, which takes long)
        Assert.That(SignalSender.CanSignal(gone), Is.False);
        var error = Assert.Throws<ArgumentException>(() => SignalSender.Kill(gone, Sig))!;
        Assert.That(error.Message, Does.Contain("no such process"));
        Assert.That(SignalSender.CanSignal(Environment.ProcessId), Is.True);
        Assert.That(SignalSender.ProcessId, Is.EqualTo(Environment.ProcessId));
    }
}
