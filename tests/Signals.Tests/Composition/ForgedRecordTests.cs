namespace Signals.Tests.Composition;

/// <summary>
/// Issue 10, item 4 (the managed part): a record naming no signal (written into the record pipe through
/// /proc/self/fd, as a same-uid process could) threw in SignalEvent.Signal on the dispatcher thread and
/// killed the process. Now it is dropped and counted, and a real signal after it is still delivered.
/// </summary>
[TestFixture, NonParallelizable]
public class ForgedRecordTests
{
    [Test]
    public void RecordsNamingNoSignalAreDroppedAndTheDispatcherGoesOn()
    {
        using var child = TestHostProcess.Start("forged-record");
        Assert.That(child.WaitForLine("WROTE"), Is.EqualTo("WROTE 3"));
        child.WaitForLine("READY");
        SignalSender.Kill(child.Pid, Signal.SIGUSR1);
        Assert.That(child.WaitForExit(), Is.Zero, $"the process must survive the forged records. {child.Transcript}");
        Assert.That(child.Line("RECEIVED"), Is.EqualTo("RECEIVED"));
        Assert.That(child.Line("DROPPED"), Is.EqualTo("DROPPED 3"), "SignalEvents.DroppedRecords counts each forged record");
    }
}
