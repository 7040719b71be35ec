namespace Signals.Tests.Coexistence;

/// <summary>
/// Observe chains to the previous native handler, Handle does not: a PosixSignalRegistration(SIGUSR1) is
/// installed first, ours after it, and the child reports which callbacks a real SIGUSR1 reached.
/// </summary>
[TestFixture, NonParallelizable]
public class ObserveHandleChainTests
{
    [TestCase("observe", 1)]
    [TestCase("handle", 0)]
    public void ThePreviousHandlerRunsOnlyWhenObserving(string policy, int registration)
    {
        using var child = TestHostProcess.Start("chain", policy);
        child.WaitForLine("READY");
        SignalSender.Kill(child.Pid, Signal.SIGUSR1);
        Assert.That(child.WaitForExit(), Is.Zero, child.Transcript);
        Assert.That(child.Line("OURS"), Is.EqualTo("OURS 1"));
        Assert.That(child.Line("REGISTRATION"), Is.EqualTo($"REGISTRATION {registration}"));
    }
}
