namespace Signals.Tests.Coexistence;

/// <summary>GC.Collect() must complete while another thread spins in a tight loop, with our handlers installed.</summary>
[TestFixture, NonParallelizable]
public class GcSuspensionTests
{
    [Test]
    public void CollectCompletesWhileAThreadSpins()
    {
        using var child = TestHostProcess.Start("gc-spin");
        Assert.That(child.WaitForExit(TimeSpan.FromSeconds(120)), Is.Zero, child.Transcript);
        Assert.That(child.Line("COLLECTED"), Is.EqualTo("COLLECTED 10"));
        Assert.That(child.Line("SPINS"), Does.Match(@"^SPINS [1-9]\d* RECEIVED \d+$"), "the spinner really ran");
    }
}
