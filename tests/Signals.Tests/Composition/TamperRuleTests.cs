namespace Signals.Tests.Composition;

/// <summary>
/// Issue 10, item 5: only SIG_DFL or SIG_IGN over a live subscription is tampering. A handler function
/// installed over ours (a PosixSignalRegistration) is the signal's next owner: the repair used to put ours
/// back on top within 200 ms, and the registration never ran again. And two repairers must not fight
/// forever: the repair gives up after 3 within 10 s and says so once.
/// </summary>
[TestFixture, NonParallelizable]
public class TamperRuleTests
{
    [Test]
    public void ARegistrationOverOurObserverIsLeftInPlaceAndBothReceiveEveryDelivery()
    {
        using var child = TestHostProcess.Start("observe-under-registration");
        for (int n = 1; n <= 3; n++)
        {
            child.WaitForLine($"READY {n}");
            Commands.Kill(child.Pid, Signal.SIGUSR1);
        }
        Assert.That(child.WaitForExit(), Is.Zero, child.Transcript);
        Assert.That(child.Line("TAMPERED"), Is.EqualTo("TAMPERED "), "a handler function over ours is not tampering");
        Assert.That(child.Line("DISPOSITION"), Is.EqualTo("DISPOSITION Native"), "the registration's handler is still on top");
        Assert.That(child.Line("COUNTS"), Is.EqualTo("COUNTS ours=3 registration=3"));
    }

    [Test]
    public void TwoRepairersDoNotFightForever()
    {
        using var child = TestHostProcess.Start("repair-fight");
        Assert.That(child.WaitForExit(), Is.Zero, child.Transcript);
        Assert.That(child.Line("REPAIRS"), Is.EqualTo("REPAIRS 3"), "at most 3 repairs within 10 s");
        Assert.That(child.Line("ABANDONED"), Is.EqualTo("ABANDONED SIGUSR2/3/10s"), "reported once, through RepairAbandoned");
        Assert.That(child.Line("LEFT"), Is.EqualTo("LEFT Default"), "then the signal is left alone");
        Assert.That(child.Line("CHECK"), Is.EqualTo("CHECK SIGUSR2"));
        Assert.That(child.Line("AFTER"), Is.EqualTo("AFTER Managed"), "an explicit CheckTampering repairs and re-arms");
    }
}
