using System.Globalization;

namespace Signals.Bench.Suite;

/// <summary>The suite's sizes. The defaults keep a whole run within a few minutes on 2 busy cores.</summary>
internal sealed record BenchOptions
{
    /// <summary>Folder with the C programs (build/native/bench).</summary>
    public required string Tools { get; init; }

    /// <summary>Where the markdown report goes (bench/results/latest.md).</summary>
    public required string Output { get; init; }

    /// <summary>
    /// Measured rounds; every row runs once per round, and each row's figure is the median of its rounds'
    /// figures (issue 18). Rounds alternate the receivers: a busy moment of the shared VM hits one round of
    /// every row, and the median drops it. A warm-up round comes first, unrecorded.
    /// </summary>
    public int Rounds { get; init; } = 5;

    /// <summary>Ping-pong samples per row and round (so Rounds * Samples per row in all).</summary>
    public int Samples { get; init; } = 1250;

    /// <summary>Isolated signals (2-10 ms apart) per receiver and round: a round's p99 is its 198th of 200.</summary>
    public int IsolatedSamples { get; init; } = 200;

    /// <summary>Signals per receiver and round of the CPU-per-signal rows, at 1,000/s and at 10,000/s.</summary>
    public int CpuSlowCount { get; init; } = 1000;
    public int CpuFastCount { get; init; } = 5000;

    /// <summary>
    /// The idle window (all receivers idle, nothing sent), after the measured rounds. Twice the slowest
    /// tamper-check interval (60 s), so it always holds two of those wake-ups: a window shorter than the
    /// interval holds zero or one by chance.
    /// </summary>
    public int IdleSeconds { get; init; } = 120;

    /// <summary>Cold processes timed for the first use, each of ours and PosixSignalRegistration.</summary>
    public int FirstUseRuns { get; init; } = 7;

    /// <summary>Round trips each sender run discards before recording.</summary>
    public int Warmup { get; init; } = 200;

    /// <summary>Flood sender processes, and signals each sends per round.</summary>
    public int FloodSenders { get; init; } = 4;
    public int FloodPerSender { get; init; } = 12_500;

    /// <summary>kill(getpid()) calls per timed block, and blocks per round, for the in-handler cost.</summary>
    public int HandlerKills { get; init; } = 1000;
    public int HandlerBlocks { get; init; } = 20;

    /// <summary>The SDK version to record with the machine facts (run.sh passes `dotnet --version`).</summary>
    public string? SdkVersion { get; init; }

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>();
        for (int i = 0; i + 1 < args.Count; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
                throw new ArgumentException($"expected an --option, got '{args[i]}'");
            values[args[i][2..]] = args[i + 1];
        }
        if (args.Count % 2 != 0)
            throw new ArgumentException($"option '{args[^1]}' has no value");
        int Number(string name, int fallback) =>
            values.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
        var defaults = new BenchOptions { Tools = "", Output = "" };
        return new BenchOptions
        {
            Tools = values.GetValueOrDefault("tools") ?? throw new ArgumentException("--tools DIR is required"),
            Output = values.GetValueOrDefault("out") ?? throw new ArgumentException("--out FILE is required"),
            Rounds = Number("rounds", defaults.Rounds),
            Samples = Number("samples", defaults.Samples),
            Warmup = Number("warmup", defaults.Warmup),
            IsolatedSamples = Number("isolated", defaults.IsolatedSamples),
            CpuSlowCount = Number("cpu-slow", defaults.CpuSlowCount),
            CpuFastCount = Number("cpu-fast", defaults.CpuFastCount),
            IdleSeconds = Number("idle-seconds", defaults.IdleSeconds),
            FirstUseRuns = Number("first-use", defaults.FirstUseRuns),
            FloodSenders = Number("flood-senders", defaults.FloodSenders),
            FloodPerSender = Number("flood", defaults.FloodPerSender),
            HandlerKills = Number("handler-kills", defaults.HandlerKills),
            HandlerBlocks = Number("handler-blocks", defaults.HandlerBlocks),
            SdkVersion = values.GetValueOrDefault("sdk"),
        };
    }
}
