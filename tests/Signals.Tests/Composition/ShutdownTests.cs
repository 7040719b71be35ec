namespace Signals.Tests.Composition;

/// <summary>
/// Issue 10, items 7 and 13: Shutdown() joined the dispatcher while holding the registry's lock, so a callback
/// in flight that subscribed (or set a handler, or started a WaitAsync) deadlocked both; and a subscription
/// racing Shutdown could stay registered with its action restored. In child processes.
/// </summary>
[TestFixture, NonParallelizable]
public class ShutdownTests
{
    [TestCase("subscribe")]
    [TestCase("set")]
    [TestCase("wait-async")]
    public void ShutdownWhileACallbackSubscribesCompletesAndTheLibraryKeepsWorking(string mode)
    {
        using var child = TestHostProcess.Start("shutdown-from-callback", mode);
        Assert.That(child.WaitForExit(), Is.Zero, child.Transcript);
        Assert.That(child.Line("SHUTDOWN-DONE"), Is.EqualTo("SHUTDOWN-DONE"));
        Assert.That(child.Line("SIGUSR2"), Is.EqualTo("SIGUSR2 Managed"), "what the callback made after Shutdown began is live");
        Assert.That(child.Line("CALLBACK-MADE-RECEIVED"), Is.EqualTo("CALLBACK-MADE-RECEIVED"));
        Assert.That(child.Line("LATER-OK"), Is.EqualTo("LATER-OK"));
    }

    [Test]
    public void EverySubscriptionThatSurvivesARacingShutdownIsInstalledAndReceives()
    {
        using var child = TestHostProcess.Start("shutdown-race");
        Assert.That(child.WaitForExit(TimeSpan.FromSeconds(120)), Is.Zero, child.Transcript);
        Assert.That(child.Line("ROUNDS"), Does.StartWith("ROUNDS 30 live="));
    }
}
