using System.Globalization;
using System.Runtime.InteropServices;

namespace Signals.Bench.Suite;

/// <summary>One ping-pong row: a receiver, the signal sent to it, and the round trips gathered over the rounds.</summary>
internal sealed class LatencyRow(string title, ReceiverProcess receiver, int signalNumber)
{
    private readonly RoundSamples _samples = new();

    public string Title { get; } = title;
    public ReceiverProcess Receiver { get; } = receiver;
    public int Failures { get; private set; }
    public string? LastFailure { get; private set; }
    public int Count => _samples.Count;

    /// <summary>Runs the separate sender process for one round; keeps the samples when <paramref name="record"/>.</summary>
    public void RunRound(BenchOptions options, string scratch, int samples, bool record)
    {
        string output = Path.Combine(scratch, $"samples-{Receiver.Name}.bin");
        var result = Tool.Run(Path.Combine(options.Tools, "pingpong_sender"),
            Receiver.Pid.ToString(CultureInfo.InvariantCulture), signalNumber.ToString(CultureInfo.InvariantCulture),
            Receiver.AckFifo, options.Warmup.ToString(CultureInfo.InvariantCulture),
            samples.ToString(CultureInfo.InvariantCulture), output);
        if (result.ExitCode != 0)
        {
            // 142 = SIGALRM: the receiver stopped acknowledging (a lost signal or a dead receiver).
            Failures++;
            LastFailure = $"sender exit status {result.ExitCode}: {result.Errors.Trim()}";
            return;
        }
        if (record)
            _samples.Add(MemoryMarshal.Cast<byte, long>(File.ReadAllBytes(output)));
    }

    /// <summary>The q-quantile in microseconds: the median over the rounds of each round's (nearest rank); NaN without samples.</summary>
    public double PercentileUs(double q) => _samples.PercentileUs(q);
}
