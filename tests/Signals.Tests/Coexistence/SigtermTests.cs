namespace Signals.Tests.Coexistence;

/// <summary>SIGTERM handled by us: the process carries on (exit 0), or with ExitBySignalAfterCallback dies by it (143).</summary>
[TestFixture, NonParallelizable]
public class SigtermTests
{
    [Test]
    public void HandledSigtermLetsTheProcessCarryOn()
    {
        using var child = TestHostProcess.Start("sigterm", "handle");
        child.WaitForLine("READY");
        int killPid = Commands.Kill(child.Pid, Signal.SIGTERM);
        Assert.That(child.WaitForExit(), Is.Zero, child.Transcript);
        Assert.That(child.Line("CALLBACK"), Is.EqualTo($"CALLBACK SIGTERM from {killPid}"));
        Assert.That(child.Line("CONTINUING"), Is.EqualTo("CONTINUING"));
    }

    [Test]
    public void ExitBySignalAfterCallbackRunsTheCallbackThenDiesWith143()
    {
        using var child = TestHostProcess.Start("sigterm", "exit");
        child.WaitForLine("READY");
        SignalSender.Kill(child.Pid, Signal.SIGTERM);
        Assert.That(child.WaitForExit(), Is.EqualTo(128 + 15), child.Transcript);
        Assert.That(child.Line("CALLBACK"), Does.StartWith("CALLBACK SIGTERM"));
    }
}
