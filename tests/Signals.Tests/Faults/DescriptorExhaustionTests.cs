namespace Signals.Tests.Faults;

/// <summary>
/// Issue 18, row 13: descriptors ran out after Subscribe, before the first delivery. That delivery loaded the
/// metrics assembly lazily, the load failed (EMFILE), and the report of it took the process down (134). A meter that
/// fails now turns the metrics off with one report; the delivery goes on to its callback.
/// </summary>
[TestFixture, NonParallelizable]
public class DescriptorExhaustionTests
{
    // A small descriptor limit, so that the child fills it in a moment; the runtime starts with a few dozen open.
    private static readonly string[] SmallDescriptorLimit = ["prlimit", "--nofile=512:512"];

    [Test]
    public void DeliveriesGoOnWhenTheFirstOneFindsNoFreeDescriptor()
    {
        using var child = TestHostProcess.StartUnder(SmallDescriptorLimit, "descriptors-exhausted");
        Assert.That(child.WaitForLine("FILLED"), Does.StartWith("FILLED EMFILE after "), "the child used up its descriptors");
        for (int n = 1; n <= 2; n++)
        {
            child.WaitForLine($"READY {n}");
            Commands.Kill(child.Pid, Signal.SIGUSR1);
        }
        Assert.That(child.WaitForExit(), Is.Zero, $"the first delivery must not end the process. {child.Transcript}");
        Assert.That(child.Line("RECEIVED"), Is.EqualTo("RECEIVED 2"), "both deliveries reached the callback");
    }
}
