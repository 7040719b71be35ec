namespace Signals.Tests.Coexistence;

/// <summary>An unhandled SIGUSR1 kills the process: exit status 128+10.</summary>
[TestFixture, NonParallelizable]
public class DefaultActionTests
{
    [TestCase("fresh")]
    [TestCase("disposed")]
    public void UnhandledSigusr1KillsWith138(string mode)
    {
        using var child = TestHostProcess.Start("unhandled", mode);
        child.WaitForLine("READY");
        Assert.That(child.Line("DISPOSITION"), Is.EqualTo("DISPOSITION Default"));
        Commands.Kill(child.Pid, Signal.SIGUSR1); // `kill -s USR1`: the tool's name for 10 maps to ours
        Assert.That(child.WaitForExit(), Is.EqualTo(128 + 10), child.Transcript);
    }
}
