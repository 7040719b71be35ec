using System.Globalization;
using System.Runtime.InteropServices;

namespace Signals.Bench.Suite;

/// <summary>
/// One isolated-signal row: the sender queues SIGUSR2 2-10 ms apart at random (its send time in the value),
/// the receiver answers with its clock reading at the start of its callback; the latency is the difference.
/// </summary>
internal sealed class IsolatedRow(string title, ReceiverProcess receiver, int signalNumber)
{
    private readonly RoundSamples _samples = new();

    public string Title { get; } = title;
    public ReceiverProcess Receiver { get; } = receiver;
    public int Failures { get; private set; }
    public string? LastFailure { get; private set; }
    public int Count => _samples.Count;

    public void RunRound(BenchOptions options, string scratch, int round, int samples, bool record)
    {
        string output = Path.Combine(scratch, $"isolated-{Receiver.Name}.bin");
        var result = Tool.Run(Path.Combine(options.Tools, "isolated_sender"),
            Receiver.Pid.ToString(CultureInfo.InvariantCulture), signalNumber.ToString(CultureInfo.InvariantCulture),
            Receiver.AckFifo, samples.ToString(CultureInfo.InvariantCulture),
            (round * 7919 + Receiver.Pid).ToString(CultureInfo.InvariantCulture), output);
        if (result.ExitCode != 0)
        {
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
