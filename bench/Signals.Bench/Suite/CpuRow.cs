using System.Globalization;

namespace Signals.Bench.Suite;

/// <summary>
/// CPU per signal at a steady rate: paced_sender queues real-time signals at <see cref="Rate"/> per second
/// into a receiver, whose CPU time (/proc, all threads) is read before and after; the receiver's own idle
/// rate (measured in the idle phase) times the elapsed time is subtracted, and the rest divided by the count.
/// </summary>
internal sealed class CpuRow(string title, ReceiverProcess receiver, int signalNumber, int rate)
{
    public string Title { get; } = title;
    public ReceiverProcess Receiver { get; } = receiver;
    public int Rate { get; } = rate;
    public long Signals { get; private set; }
    public double CpuNs { get; private set; }
    public double Seconds { get; private set; }
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
        if (!record)
            return;
        Signals += count;
        CpuNs += after.CpuNsSince(before);
        Seconds += ProcStats.Seconds(before, after);
    }

    /// <summary>Microseconds of receiver CPU per signal, idle baseline subtracted.</summary>
    public double UsPerSignal => Signals == 0 ? double.NaN : (CpuNs - IdleNsPerSecond * Seconds) / Signals / 1000.0;
}
