using System.Globalization;

namespace Signals.Bench.Suite;

/// <summary>
/// One throughput row: several sender processes queue real-time signals into one receiver. A receiver that
/// acknowledges the burst (it knows the total from si_value) is timed from the first send to its
/// acknowledgement. One that cannot (<paramref name="acknowledges"/> false: PosixSignalRegistration sees no
/// si_value and may see fewer deliveries than were sent) is asked for its count and the time of its last
/// delivery once the count stops growing: its rate is what it received over that time, its count as it is.
/// </summary>
internal sealed class FloodRow(string title, ReceiverProcess receiver, int signalNumber, bool acknowledges = true)
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(500);
    private readonly List<double> _signalsPerSecond = [];
    private long _countBefore;

    public string Title { get; } = title;
    public ReceiverProcess Receiver { get; } = receiver;
    public bool AllExact { get; private set; } = true;
    public long Sent { get; private set; }
    public long Received { get; private set; }
    public long EagainRetries { get; private set; }
    public string? LastFailure { get; private set; }
    public IReadOnlyList<double> Rates => _signalsPerSecond;

    public void RunRound(BenchOptions options, bool record)
    {
        if (!acknowledges)
            _countBefore = long.Parse(Tool.Fields(Receiver.Command("stats"))["received"], CultureInfo.InvariantCulture);
        var result = Tool.Run(Path.Combine(options.Tools, "flood_sender"),
            Receiver.Pid.ToString(CultureInfo.InvariantCulture), signalNumber.ToString(CultureInfo.InvariantCulture),
            options.FloodSenders.ToString(CultureInfo.InvariantCulture),
            options.FloodPerSender.ToString(CultureInfo.InvariantCulture), acknowledges ? Receiver.AckFifo : "-");
        var fields = Tool.Fields(result.Output);
        long sent = long.Parse(fields.GetValueOrDefault("sent", "0"), CultureInfo.InvariantCulture);
        long received = long.Parse(fields.GetValueOrDefault("received", "0"), CultureInfo.InvariantCulture);
        long ns = long.Parse(fields.GetValueOrDefault("ns", "0"), CultureInfo.InvariantCulture);
        if (!acknowledges && result.ExitCode == 0)
            (received, ns) = CountWhenSettled(long.Parse(fields["start_ns"], CultureInfo.InvariantCulture));
        bool exact = result.ExitCode == 0 && sent > 0 && received == sent;
        if (!exact)
            LastFailure = $"sent {sent}, received {received}, status {result.ExitCode}: {result.Errors.Trim()}";
        if (!record)
            return;
        AllExact &= exact;
        Sent += sent;
        Received += received;
        EagainRetries += long.Parse(fields.GetValueOrDefault("eagain", "0"), CultureInfo.InvariantCulture);
        if ((exact || !acknowledges) && ns > 0)
            _signalsPerSecond.Add(received / (ns / 1e9));
    }

    // Polls the receiver until its count has not moved for Settle: the deliveries of this round, and the
    // nanoseconds from the first send to the last delivery (both CLOCK_MONOTONIC).
    private (long Received, long Ns) CountWhenSettled(long startNs)
    {
        long last = -1;
        var quietSince = DateTime.UtcNow;
        while (true)
        {
            var fields = Tool.Fields(Receiver.Command("stats"));
            long count = long.Parse(fields["received"], CultureInfo.InvariantCulture);
            if (count != last)
            {
                last = count;
                quietSince = DateTime.UtcNow;
            }
            else if (DateTime.UtcNow - quietSince >= Settle)
            {
                return (count - _countBefore, long.Parse(fields["last_ns"], CultureInfo.InvariantCulture) - startNs);
            }
            Thread.Sleep(50);
        }
    }

    public double MedianRate => Statistics.Median(_signalsPerSecond);
}
