namespace Signals.Tests.Migrating;

/// <summary>docs/migrating.md, "sigaction P/Invokes": ignore, restore, die by the restored default (129) the same way.</summary>
[TestFixture]
public class SigactionRecipeTests
{
    [TestCase("before")]
    [TestCase("after")]
    public void IgnoredSighupIsSurvivedAndTheRestoredDefaultEndsWithStatus129(string form)
    {
        using var sample = MigratingSample.Start("sigaction", form);
        int pid = sample.WaitUntilReady();
        Assert.That(sample.Stdout, Does.Contain("SIGHUP ignored (previous: Default)"));
        // An ignored signal is discarded when it is sent: once kill returned, there is nothing left to arrive.
        Commands.Kill(pid, Signal.SIGHUP);
        Commands.Kill(pid, Signal.SIGHUP);
        sample.Send("ping");
        sample.WaitForLine("pong");
        sample.Send("restore");
        sample.WaitForLine("restored");
        Commands.Kill(pid, Signal.SIGHUP);
        Assert.That(sample.WaitForExit(), Is.EqualTo(128 + 1), sample.Transcript());
    }

    [Test]
    public void AfterRefusesIgnoringSigchldAndRunsAHandlerOutsideSignalContext()
    {
        using var sample = MigratingSample.Start("sigaction", "after");
        int pid = sample.WaitUntilReady();
        Assert.That(sample.Stdout, Has.One.StartsWith("SIGCHLD: refused ("), sample.Transcript());
        int sender = Commands.Kill(pid, Signal.SIGUSR1);
        sample.WaitForLine($"handler: SIGUSR1 from pid {sender}");
        sample.Send("quit");
        Assert.That(sample.WaitForExit(), Is.EqualTo(0), sample.Transcript());
    }
}
