using System.Globalization;

namespace Signals.Bench.Suite;

/// <summary>One throughput row: several sender processes queue real-time signals into one receiver.</summary>
internal sealed class FloodRow(string title, ReceiverProcess receiver, int signalNumber)
{
    private readonly List<double> _signalsPerSecond = [];

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
        var result = Tool.Run(Path.Combine(options.Tools, "flood_sender"),
            Receiver.Pid.ToString(CultureInfo.InvariantCulture), signalNumber.ToString(CultureInfo.InvariantCulture),
            options.FloodSenders.ToString(CultureInfo.InvariantCulture),
            options.FloodPerSender.ToString(CultureInfo.InvariantCulture), Receiver.AckFifo);
        var fields = Tool.Fields(result.Output);
        long sent = long.Parse(fields.GetValueOrDefault("sent", "0"), CultureInfo.InvariantCulture);
        long received = long.Parse(fields.GetValueOrDefault("received", "0"), CultureInfo.InvariantCulture);
        long ns = long.Parse(fields.GetValueOrDefault("ns", "0"), CultureInfo.InvariantCulture);
        bool exact = result.ExitCode == 0 && sent > 0 && received == sent;
        if (!exact)
            LastFailure = $"sent {sent}, acknowledged {received}, status {result.ExitCode}: {result.Errors.Trim()}";
        if (!record)
            return;
        AllExact &= exact;
        Sent += sent;
        Received += received;
        EagainRetries += long.Parse(fields.GetValueOrDefault("eagain", "0"), CultureInfo.InvariantCulture);
        if (exact && ns > 0)
            _signalsPerSecond.Add(sent / (ns / 1e9));
    }

    public double MedianRate => Statistics.Median(_signalsPerSecond);
}
