namespace Signals.Tests.Coexistence;

/// <summary>
/// PosixSignalRegistration(SIGUSR1) made before ours, then disposed (System.Native restores SIG_DFL over us),
/// then SIGUSR1 sent: we still receive it and the process lives, after an explicit CheckTampering or the
/// dispatcher's own repair.
/// </summary>
[TestFixture, NonParallelizable]
public class PosixSignalRegistrationTests
{
    [Test]
    public void ExplicitCheckTamperingSeesTheOverwriteAndWeStillReceive()
    {
        using var child = TestHostProcess.Start("posix-registration", "explicit");
        child.WaitForLine("READY");
        Assert.That(child.Line("AFTER-DISPOSE"), Is.EqualTo("AFTER-DISPOSE Default"), "System.Native wiped our handler");
        Assert.That(child.Line("TAMPERED"), Is.EqualTo("TAMPERED SIGUSR1"));
        Assert.That(child.Line("REPAIRED"), Is.EqualTo("REPAIRED Managed"));
        SignalSender.Kill(child.Pid, Signal.SIGUSR1);
        Assert.That(child.WaitForExit(), Is.Zero, $"138 would mean SIGUSR1 killed it. {child.Transcript}");
        Assert.That(child.Line("RECEIVED"), Is.EqualTo("RECEIVED"));
    }

    [Test]
    public void TheDispatchersRepairAloneIsEnough()
    {
        using var child = TestHostProcess.Start("posix-registration", "dispatcher");
        child.WaitForLine("READY");
        Assert.That(child.Line("REPAIRED"), Is.EqualTo("REPAIRED Managed"));
        SignalSender.Kill(child.Pid, Signal.SIGUSR1);
        Assert.That(child.WaitForExit(), Is.Zero, child.Transcript);
        Assert.That(child.Line("RECEIVED"), Is.EqualTo("RECEIVED"));
    }
}
