namespace Signals.Tests.Coexistence;

/// <summary>
/// Console.CancelKeyPress and our SIGINT subscription, ours made before or after Console's SIGINT handling.
/// The semantics, the same in both orders: Handle replaces — our callback runs, CancelKeyPress does not;
/// Observe keeps — our callback runs and then CancelKeyPress.
/// </summary>
[TestFixture, NonParallelizable]
public class CancelKeyPressTests
{
    [TestCase("before", "handle", 0)]
    [TestCase("after", "handle", 0)]
    [TestCase("before", "observe", 1)]
    [TestCase("after", "observe", 1)]
    public void SigintReachesOursAndCancelKeyPressAsThePolicySays(string order, string policy, int cancelKeyPress)
    {
        using var child = TestHostProcess.Start("cancel-key-press", order, policy);
        child.WaitForLine("READY");
        Assert.That(child.Line("TAMPERED"), Is.EqualTo("TAMPERED "), "Console's handling was set up beneath ours, not over it");
        Commands.Kill(child.Pid, Signal.SIGINT);
        Assert.That(child.WaitForExit(), Is.Zero, child.Transcript);
        Assert.That(child.Line("OURS"), Is.EqualTo("OURS 1"));
        Assert.That(child.Line("CANCELKEYPRESS"), Is.EqualTo($"CANCELKEYPRESS {cancelKeyPress}"));
    }
}
