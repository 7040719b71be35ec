using Signals.Stress.Infrastructure;

namespace Signals.Stress.Scenarios;

/// <summary>
/// R1: <c>size</c> real-time signals (sigqueue, value = sender index and sequence) from 4 sender processes
/// while this process allocates heavily and forces full GCs. Every record is attributed to its sender by
/// the value and checked against the sender pid; duplicates are detected per sequence number. A record
/// coalesced by a full pipe carries no sender: it is counted apart, and the native overflow counter must
/// match it exactly.
/// </summary>
internal static class FloodScenario
{
    private const int SenderCount = 4;

    public static bool Run(Arguments arguments)
    {
        long total = arguments.Long("size", 1_000_000);
        long perSender = total / SenderCount;
        total = perSender * SenderCount;
        var signal = Signal.RealTime(1);
        var checks = new CheckList("R1");

        var received = new long[SenderCount];
        var senderPidSeen = new int[SenderCount];
        var seen = Enumerable.Range(0, SenderCount).Select(_ => new System.Collections.BitArray((int)perSender)).ToArray();
        long coalesced = 0, misattributed = 0, duplicates = 0, coalescedEvents = 0;

        // Runs on the dispatcher thread only: plain writes, read by this thread after the deadline poll.
        void OnSignal(SignalEvent e)
        {
            if (e.IsCoalesced)
            {
                Interlocked.Add(ref coalesced, e.Count);
                Interlocked.Increment(ref coalescedEvents);
                return;
            }
            long index = e.Value >> 32, sequence = e.Value & 0xffff_ffff;
            if (index is < 0 or >= SenderCount || sequence >= perSender)
            {
                Interlocked.Increment(ref misattributed);
                return;
            }
            if (senderPidSeen[index] == 0)
                senderPidSeen[index] = e.SenderPid;
            if (senderPidSeen[index] != e.SenderPid)
                Interlocked.Increment(ref misattributed);
            if (seen[index][(int)sequence])
                Interlocked.Increment(ref duplicates);
            seen[index][(int)sequence] = true;
            Interlocked.Increment(ref received[index]);
        }

        using var subscription = SignalEvents.Subscribe(signal, OnSignal);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var pressure = new AllocationPressure(TimeSpan.FromMilliseconds(50));
        var senders = Enumerable.Range(0, SenderCount).Select(index => new HelperProcess(arguments.Helper("stress_sender"),
            "queue", SignalSender.ProcessId.ToString(), signal.Number.ToString(), perSender.ToString(), index.ToString())).ToArray();

        var sent = new long[SenderCount];
        for (int index = 0; index < SenderCount; index++)
        {
            var sender = senders[index];
            bool ended = sender.WaitForExit(TimeSpan.FromSeconds(arguments.Long("sender-deadline", 900)));
            sent[index] = sender.Value("sent");
            checks.Check(ended && sender.ExitCode == 0 && sent[index] == perSender,
                $"sender {index} (pid {sender.Id}) sent {sent[index]} of {perSender}, {sender.Value("retries")} EAGAIN retries, exit {(ended ? sender.ExitCode : -1)} {sender.Error.Trim()}");
        }
        long sentTotal = sent.Where(n => n > 0).Sum();
        long Received() => Interlocked.Read(ref received[0]) + Interlocked.Read(ref received[1]) +
                           Interlocked.Read(ref received[2]) + Interlocked.Read(ref received[3]) + Interlocked.Read(ref coalesced);
        bool complete = Poll.Until(() => Received() >= sentTotal, TimeSpan.FromSeconds(60));
        pressure.Dispose();
        var elapsed = clock.Elapsed;
        // Anything more would be a duplicate: give late extras a moment to show up (they would be a bug too).
        Thread.Sleep(200);
        long receivedTotal = Received();
        var (delivered, overflowed) = SignalEvents.Counters(signal);

        Console.Error.WriteLine($"R1 {sentTotal} signals in {elapsed.TotalSeconds:0.0} s, {pressure.FullCollections} forced full GCs, " +
                                $"{pressure.AllocatedBytes / (1 << 20)} MiB allocated; coalesced {coalesced} deliveries in {coalescedEvents} records; " +
                                $"native counters: delivered {delivered}, overflowed {overflowed}");
        checks.Check(complete, $"all {sentTotal} deliveries arrived within 60 s after the senders ended (got {receivedTotal})");
        for (int index = 0; index < SenderCount; index++)
            checks.Check(received[index] == sent[index] || (coalesced > 0 && received[index] <= sent[index]),
                $"sender {index}: received {received[index]} attributed of {sent[index]} sent");
        checks.Check(received.Sum() + coalesced == sentTotal, $"attributed {received.Sum()} + coalesced {coalesced} == sent {sentTotal}");
        checks.Check(misattributed == 0, $"records whose value and sender pid disagree: {misattributed}");
        checks.Check(duplicates == 0, $"duplicate records: {duplicates}");
        checks.Check(overflowed == (ulong)coalesced, $"native overflow counter {overflowed} == coalesced deliveries seen {coalesced}");
        checks.Check(delivered == (ulong)sentTotal, $"native delivered counter {delivered} == sent {sentTotal}");
        checks.Check(subscription.ReceivedCount == receivedTotal, $"subscription.ReceivedCount {subscription.ReceivedCount} == {receivedTotal}");
        foreach (var sender in senders)
            sender.Dispose();

        bool passed = checks.Failures == 0;
        Console.WriteLine($"STRESS R1 sent={sentTotal} received={receivedTotal} lost={sentTotal - receivedTotal} {(passed ? "PASS" : "FAIL")}");
        return passed;
    }
}
