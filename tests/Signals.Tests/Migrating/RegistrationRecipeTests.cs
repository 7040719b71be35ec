namespace Signals.Tests.Migrating;

/// <summary>docs/migrating.md, "PosixSignalRegistration": the same reloads and stop before and after, exit 0 or 143.</summary>
[TestFixture]
public class RegistrationRecipeTests
{
    [TestCase("before")]
    [TestCase("after")]
    public void SighupReloadsAndSigtermStopsWithStatus0(string form)
    {
        using var sample = MigratingSample.Start("registration", form);
        int pid = sample.WaitUntilReady();
        for (int reload = 1; reload <= 3; reload++)
        {
            Commands.Kill(pid, Signal.SIGHUP); // acknowledged before the next, so none coalesce
            sample.WaitForLine(line => line.StartsWith($"reload {reload}"), $"reload {reload}");
        }
        Commands.Kill(pid, Signal.SIGTERM);
        Assert.That(sample.WaitForExit(), Is.EqualTo(0), sample.Transcript());
        Assert.That(sample.Count(line => line.StartsWith("reload ")), Is.EqualTo(3), sample.Transcript());
        Assert.That(sample.Stdout, Does.Contain("stopping").And.Contain("stopped after 3 reloads"));
    }

    [Test]
    public void AfterNamesTheSender()
    {
        using var sample = MigratingSample.Start("registration", "after");
        int pid = sample.WaitUntilReady();
        int sender = Commands.Kill(pid, Signal.SIGHUP);
        sample.WaitForLine($"reload 1 from pid {sender}");
        Commands.Kill(pid, Signal.SIGTERM);
        Assert.That(sample.WaitForExit(), Is.EqualTo(0), sample.Transcript());
    }

    // Cancel left false, and its equivalent ExitBySignalAfterCallback: the handler runs, then SIGTERM's default action.
    [TestCase("before", "--no-cancel")]
    [TestCase("after", "--exit-by-signal")]
    public void WithoutCancelSigtermRunsTheHandlerThenEndsWithStatus143(string form, string option)
    {
        using var sample = MigratingSample.Start("registration", form, option);
        int pid = sample.WaitUntilReady();
        Commands.Kill(pid, Signal.SIGTERM);
        Assert.That(sample.WaitForExit(), Is.EqualTo(128 + 15), sample.Transcript());
        Assert.That(sample.Stdout, Does.Contain("stopping"));
        Assert.That(sample.Stdout, Has.None.StartsWith("stopped after"));
    }
}
