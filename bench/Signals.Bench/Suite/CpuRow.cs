using System.Globalization;

namespace Signals.Bench.Suite;

/// <summary>
/// CPU per signal at a steady rate: paced_sender queues real-time signals at <see cref="Rate"/> per second
/// into a receiver, whose CPU time (/proc, all threads) is read before and after; the receiver's own idle
/// rate (measured in the idle phase) times the elapsed time is subtracted, and the rest divided by the count.
/// The row's figure is the median of the rounds' figures.
/// </summary>
internal sealed class CpuRow(string title, ReceiverProcess receiver, int signalNumber, int rate)
{
    private readonly List<(long Signals, double CpuNs, double Seconds)> _rounds = [];

    public string Title { get; } = title;
    public ReceiverProcess Receiver { get; } = receiver;
    public int Rate { get; } = rate;
    public long Signals => _rounds.Sum(round => round.Signals);
    public bool AllExact { get; private set; } = true;
    public string? LastFailure { get; private set; }

    /// <summary>The receiver's CPU per second with no signals (ns/s), from the idle window after the rounds.</summary>
    public double IdleNsPerSecond { get; set; }

    public void RunRound(BenchOptions options, int count, bool record)
    {
        var before = ProcStats.Read(Receiver.Pid);
        var result = Tool.Run(Path.Combine(options.Tools, "paced_sender"),
            Receiver.Pid.ToString(CultureInfo.InvariantCulture), signalNumber.ToString(CultureInfo.InvariantCulture),
            Rate.ToString(CultureInfo.InvariantCulture), count.ToString(CultureInfo.InvariantCulture), Receiver.AckFifo);
        var after = ProcStats.Read(Receiver.Pid);
        if (result.ExitCode != 0)
        {
            AllExact = false;
            LastFailure = $"status {result.ExitCode}: {result.Output.Trim()} {result.Errors.Trim()}";
            return;
        }
        if (record)
            _rounds.Add((count, after.CpuNsSince(before), ProcStats.Seconds(before, after)));
    }

    /// <summary>Microseconds of receiver CPU per signal, idle baseline subtracted: the median over the rounds.</summary>
    public double UsPerSignal => Statistics.Median(PerRound());

    /// <summary>The lowest and highest round, for the table.</summary>
    public string Range => _rounds.Count == 0 ? "-"
        : $"{PerRound().Min().ToString("F1", CultureInfo.InvariantCulture)} .. {PerRound().Max().ToString("F1", CultureInfo.InvariantCulture)}";

    private IEnumerable<double> PerRound() =>
        _rounds.Select(round => (round.CpuNs - IdleNsPerSecond * round.Seconds) / round.Signals / 1000.0);
}
