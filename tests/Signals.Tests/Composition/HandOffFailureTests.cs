namespace Signals.Tests.Composition;

/// <summary>
/// Issue 10, items 6 and 17: a SynchronizationContext whose Post throws crashed the process (the exception
/// escaped on the dispatcher thread); and a callback handed to the ThreadPool or a SynchronizationContext
/// could run after Dispose had returned.
/// </summary>
[TestFixture, NonParallelizable]
public class HandOffFailureTests
{
    [Test]
    public void AThrowingPostIsReportedAndDispatchingGoesOn()
    {
        using var child = TestHostProcess.Start("throwing-context");
        for (int n = 1; n <= 2; n++)
        {
            child.WaitForLine($"READY {n}");
            Commands.Kill(child.Pid, Signal.SIGUSR1);
        }
        Assert.That(child.WaitForExit(), Is.Zero, child.Transcript);
        Assert.That(child.Line("COUNTS"), Is.EqualTo("COUNTS dispatcher=2 reported=2 received=0"),
            "each failed Post is reported through CallbackFailed and not counted as received");
    }

    [Test]
    public void NoCallbackStartsAfterDisposeReturned()
    {
        using var child = TestHostProcess.Start("dispose-handoff");
        Assert.That(child.WaitForExit(), Is.Zero, child.Transcript);
        Assert.That(child.Line("CONTEXT"), Is.EqualTo("CONTEXT ran=0"), "3 posts queued before Dispose, run after it");
        Assert.That(child.Line("POOL"), Is.EqualTo("POOL ran=0"), "3 work items queued behind a busy pool before Dispose");
    }
}
