using System.Buffers.Binary;
using Signals.TestHost.Support;

namespace Signals.TestHost.Scenarios;

/// <summary>
/// Issue 10, item 4: records the handler did not write must not end the dispatcher. The child finds the record
/// pipe's write end (the O_NONBLOCK pipe write end that appeared with the first subscription), opens it again
/// through /proc/self/fd as another process of the same uid could, and writes records naming no signal
/// (33, reserved by glibc; 65; -1). After READY the parent sends a real SIGUSR1: it must arrive, and the
/// process must live.
/// </summary>
internal static class ForgedRecordScenario
{
    private const int RecordSize = 40;
    private static readonly int[] ForgedSignalNumbers = [33, 65, -1];

    public static int Run()
    {
        var before = ProcFs.NonBlockingPipeWriteEnds();
        int received = 0;
        using var subscription = SignalEvents.Subscribe(Signal.SIGUSR1, _ => Interlocked.Increment(ref received));
        var added = ProcFs.NonBlockingPipeWriteEnds().Except(before).ToList();
        if (added.Count != 1)
            return Report.Fail($"expected one new non-blocking pipe write end, found [{string.Join(",", added)}]");

        using (var pipe = new FileStream($"/proc/self/fd/{added[0]}", FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1))
        {
            foreach (int signo in ForgedSignalNumbers)
                pipe.Write(Record(signo));
        }
        Report.Line($"WROTE {ForgedSignalNumbers.Length}");
        Report.Line("READY");
        if (!Deadline.Until(() => Volatile.Read(ref received) == 1))
            return Report.Fail("the real SIGUSR1 never reached the subscription", ExitCodes.TimedOut);
        Report.Line($"DROPPED {SignalEvents.DroppedRecords}");
        Report.Line("RECEIVED");
        return ExitCodes.Ok;
    }

    // signals_record: signo, code, sender_pid, sender_uid, value, timestamp_ns, coalesced, reserved.
    private static byte[] Record(int signo)
    {
        var record = new byte[RecordSize];
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(0), signo);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(8), 1);  // "sent by init"
        return record;
    }
}
