namespace Signals.Tests.Migrating;

/// <summary>
/// docs/migrating.md, "Mono.Posix UnixSignal": Mono.Unix's UnixSignal (the served Mono.Unix package) and Signals in
/// one process see the same deliveries when Signals observes; with Handle, Mono's handler is replaced.
/// </summary>
[TestFixture]
public class UnixSignalRecipeTests
{
    [Test]
    public void WithObserveTheSameSignalsArriveInBoth()
    {
        using var sample = MigratingSample.Start("unix-signal");
        int pid = sample.WaitUntilReady();
        for (int n = 1; n <= 5; n++)
        {
            Commands.Kill(pid, Signal.SIGUSR1); // each one seen by both before the next: standard signals coalesce
            sample.WaitForLine($"mono: SIGUSR1 {n}");
            sample.WaitForLine($"signals: SIGUSR1 {n}");
        }
        Commands.Kill(pid, Signal.SIGUSR2);
        sample.WaitForLine("mono: WaitOne saw SIGUSR2 (Count 1)");
        sample.WaitForLine("signals: SIGUSR2 1");
        sample.Send("quit");
        Assert.That(sample.WaitForExit(), Is.EqualTo(0), sample.Transcript());
        Assert.That(sample.Count(line => line.StartsWith("mono: SIGUSR1 ") && !line.Contains('=')), Is.EqualTo(5), sample.Transcript());
        Assert.That(sample.Count(line => line.StartsWith("signals: SIGUSR1 ") && !line.Contains('=')), Is.EqualTo(5), sample.Transcript());
        Assert.That(sample.Stdout, Does.Contain("mono: SIGUSR1 Count=5 IsSet=True")
            .And.Contain("mono: after Reset Count=0 IsSet=False")
            .And.Contain("signals: SIGUSR1 Delivered=5"));
    }

    [Test]
    public void WithHandleMonoSeesNothing()
    {
        using var sample = MigratingSample.Start("unix-signal", "--handle");
        int pid = sample.WaitUntilReady();
        for (int n = 1; n <= 3; n++)
        {
            Commands.Kill(pid, Signal.SIGUSR1);
            sample.WaitForLine($"signals: SIGUSR1 {n}");
        }
        // Count is read after our callbacks ran, so after any handler of those three deliveries: exact, no wait needed.
        sample.Send("quit");
        Assert.That(sample.WaitForExit(), Is.EqualTo(0), sample.Transcript());
        Assert.That(sample.Stdout, Does.Contain("mono: SIGUSR1 Count=0 IsSet=False")
            .And.Contain("signals: SIGUSR1 Delivered=3"));
        Assert.That(sample.Count(line => line.StartsWith("mono: SIGUSR1 ") && !line.Contains('=')), Is.Zero);
    }
}
