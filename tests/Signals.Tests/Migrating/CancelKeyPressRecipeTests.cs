namespace Signals.Tests.Migrating;

/// <summary>docs/migrating.md, "Console.CancelKeyPress": SIGINT counted, not fatal; Handle keeps .NET's handler out, Observe does not.</summary>
[TestFixture]
public class CancelKeyPressRecipeTests
{
    [TestCase("before")]
    [TestCase("after")]
    public void SigintIsCountedAndTheProcessKeepsRunning(string form)
    {
        using var sample = MigratingSample.Start("cancel-key-press", form);
        int pid = sample.WaitUntilReady();
        for (int interrupt = 1; interrupt <= 3; interrupt++)
        {
            Commands.Kill(pid, Signal.SIGINT);
            sample.WaitForLine(line => line.StartsWith($"interrupt {interrupt}"), $"interrupt {interrupt}");
        }
        sample.Send("ping");
        sample.WaitForLine("pong");
        sample.Send("quit");
        Assert.That(sample.WaitForExit(), Is.EqualTo(0), sample.Transcript());
        Assert.That(sample.Count(line => line.StartsWith("interrupt ")), Is.EqualTo(3));
        Assert.That(sample.Stdout, Does.Contain("interrupted 3 times"));
        // After: a Handle subscription replaced .NET's handler, so the CancelKeyPress handler left in the code never ran.
        Assert.That(sample.Stdout, Has.None.EqualTo("CancelKeyPress ran"));
    }

    [Test]
    public void BeforeWithoutCancelSigintEndsWithStatus130()
    {
        using var sample = MigratingSample.Start("cancel-key-press", "before", "--no-cancel");
        int pid = sample.WaitUntilReady();
        Commands.Kill(pid, Signal.SIGINT);
        Assert.That(sample.WaitForExit(), Is.EqualTo(128 + 2), sample.Transcript());
        Assert.That(sample.Stdout, Does.Contain("interrupt 1"));
    }

    [Test]
    public void AfterObserveRunsOursAndCancelKeyPress()
    {
        using var sample = MigratingSample.Start("cancel-key-press", "after", "--observe");
        int pid = sample.WaitUntilReady();
        for (int interrupt = 1; interrupt <= 2; interrupt++)
        {
            int sender = Commands.Kill(pid, Signal.SIGINT);
            sample.WaitForLine($"interrupt {interrupt} from pid {sender}");
            sample.WaitForLine(_ => sample.Count(line => line == "CancelKeyPress ran") == interrupt, $"CancelKeyPress {interrupt} times");
        }
        sample.Send("quit");
        Assert.That(sample.WaitForExit(), Is.EqualTo(0), sample.Transcript());
        Assert.That(sample.Count(line => line == "CancelKeyPress ran"), Is.EqualTo(2));
    }

    [Test]
    public void AfterObserveWithoutCancelEndsWithStatus130()
    {
        using var sample = MigratingSample.Start("cancel-key-press", "after", "--observe", "--no-cancel");
        int pid = sample.WaitUntilReady();
        Commands.Kill(pid, Signal.SIGINT);
        Assert.That(sample.WaitForExit(), Is.EqualTo(128 + 2), sample.Transcript());
        // Our callback may or may not have printed by then: .NET's handler ends the process on its own thread.
        Assert.That(sample.Stdout, Does.Contain("CancelKeyPress ran"));
    }
}
