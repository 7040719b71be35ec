namespace Signals.Tests.Migrating;

/// <summary>docs/migrating.md, "ConsoleLifetime": SIGTERM stops both hosts with 0; SIGHUP ends one (129) and reloads the other.</summary>
[TestFixture]
public class HostRecipeTests
{
    [TestCase("before")]
    [TestCase("after")]
    public void SigtermStopsTheHostGracefully(string form)
    {
        using var sample = MigratingSample.Start("host", form);
        int pid = sample.WaitUntilReady();
        Commands.Kill(pid, Signal.SIGTERM);
        Assert.That(sample.WaitForExit(), Is.EqualTo(0), sample.Transcript());
        Assert.That(sample.Stdout, Is.EqualTo(new[] { $"ready {pid}", "stopping", "host stopped" }));
    }

    [Test]
    public void BeforeSighupEndsTheProcessWithStatus129()
    {
        using var sample = MigratingSample.Start("host", "before");
        int pid = sample.WaitUntilReady();
        Commands.Kill(pid, Signal.SIGHUP);
        Assert.That(sample.WaitForExit(), Is.EqualTo(128 + 1), sample.Transcript());
        Assert.That(sample.Stdout, Has.None.EqualTo("stopping"), "ConsoleLifetime does not take SIGHUP: no graceful stop");
    }

    [Test]
    public void AfterSighupReloadsAndTheHostKeepsRunning()
    {
        using var sample = MigratingSample.Start("host", "after");
        int pid = sample.WaitUntilReady();
        for (int reload = 1; reload <= 2; reload++)
        {
            int sender = Commands.Kill(pid, Signal.SIGHUP);
            sample.WaitForLine($"reloaded {reload} from pid {sender}");
        }
        Commands.Kill(pid, Signal.SIGTERM);
        Assert.That(sample.WaitForExit(), Is.EqualTo(0), sample.Transcript());
        Assert.That(sample.Count(line => line.StartsWith("reloaded ")), Is.EqualTo(2));
        Assert.That(sample.Stdout.TakeLast(2), Is.EqualTo(new[] { "stopping", "host stopped" }));
    }
}
