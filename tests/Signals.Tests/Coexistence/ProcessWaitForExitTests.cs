namespace Signals.Tests.Coexistence;

/// <summary>Process.Start + WaitForExit keep working with our SIGCHLD subscription, made before or after the first Process.</summary>
[TestFixture, NonParallelizable]
public class ProcessWaitForExitTests
{
    [TestCase("before")]
    [TestCase("after")]
    public void WaitForExitSucceedsAndWeSeeSigchld(string order)
    {
        using var child = TestHostProcess.Start("process-wait", order);
        Assert.That(child.WaitForExit(), Is.Zero, child.Transcript);
        Assert.That(child.Line("FIRST"), Is.EqualTo("FIRST True"));
        Assert.That(child.Line("SECOND"), Is.EqualTo("SECOND True"));
        Assert.That(int.Parse(child.Line("SIGCHLD").Split(' ')[1]), Is.GreaterThanOrEqualTo(1));
    }
}
