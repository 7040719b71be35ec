using System.Buffers.Binary;

namespace Signals.Tests.Composition;

/// <summary>
/// Issue 18, rows 1 and 2, as an outsider of the same uid: the child's wake channel cannot be opened through
/// /proc/PID/fd (0.1.0's record pipe could: an outsider read records and wrote forged ones claiming SI_USER
/// from pid 1 and an allowed uid, which a sender policy then accepted). The outsider tries every descriptor
/// the first subscription opened, for reading and for writing, and would write a forged record into any it
/// could open; the real signal it then sends is the only delivery, and the policy rejects it.
/// </summary>
[TestFixture, NonParallelizable]
public class ForgedRecordTests
{
    [Test]
    public void AnOutsiderCanNeitherOpenTheChannelNorForgeARecord()
    {
        using var child = TestHostProcess.Start("forged-record");
        var fds = child.WaitForLine("CHANNEL").Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        Assert.That(fds, Has.Count.EqualTo(2), $"the first subscription opens the two ends of the wake channel. {child.Transcript}");
        child.WaitForLine("READY");
        var opened = new List<string>();
        foreach (var fd in fds)
            foreach (var access in new[] { FileAccess.Read, FileAccess.Write })
            {
                try
                {
                    using var stream = new FileStream($"/proc/{child.Pid}/fd/{fd}", FileMode.Open, access, FileShare.ReadWrite, 1);
                    opened.Add($"{fd} {access}");
                    if (access == FileAccess.Write)
                        stream.Write(ForgedRecord());
                    else
                        _ = stream.ReadByte(); // what a thief would do: take a record (or a wake byte)
                }
                catch (IOException)
                {
                    // ENXIO: a socket cannot be opened through /proc — the point of this test
                }
            }
        Assert.That(opened, Is.Empty, "an outsider opened the channel through /proc");
        SignalSender.Kill(child.Pid, Signal.SIGUSR1);
        Assert.That(child.WaitForExit(), Is.Zero, child.Transcript);
        Assert.That(child.Line("ACCEPTED"), Is.EqualTo("ACCEPTED 0 REJECTED 1 DROPPED 0"),
            "only the real signal arrived, and its sender (this process's uid) is not the allowed one");
    }

    // signals_record as 0.1.0 wrote it: SIGUSR1, SI_USER, "sent by pid 1, uid 12345".
    private static byte[] ForgedRecord()
    {
        var record = new byte[40];
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(0), (int)Signal.SIGUSR1.Number);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(12), 12345);
        return record;
    }
}
