using System.Globalization;
using System.Text;

namespace Signals.Bench.Suite;

/// <summary>The table (markdown, printed and saved) and the machine-readable BENCH lines.</summary>
internal sealed class Report(
    BenchOptions options,
    MachineInfo machine,
    IReadOnlyList<LatencyRow> latency,
    IReadOnlyList<FloodRow> floods,
    HandlerCostRow handlerCost,
    IReadOnlyDictionary<string, Dictionary<string, string>> allocations,
    TimeSpan elapsed)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private LatencyRow Floor => latency[0];
    private LatencyRow Ours => Row("ours-callback");
    private LatencyRow Psr => Row("psr-usr1");
    private LatencyRow OursTerm => Row("ours-term");
    private LatencyRow PsrTerm => Row("psr-term");
    private FloodRow FloodOf(string receiver) => floods.Single(row => row.Receiver.Name == receiver);
    private FloodRow FloodC => FloodOf("c-selfpipe");
    private FloodRow FloodOurs => FloodOf("ours-callback");

    private double P50Ratio => Ours.PercentileUs(0.5) / Floor.PercentileUs(0.5);
    private double PsrRatio => Ours.PercentileUs(0.5) / Psr.PercentileUs(0.5);
    private double TermRatio => OursTerm.PercentileUs(0.5) / PsrTerm.PercentileUs(0.5);
    private double P99Us => Ours.PercentileUs(0.99);
    private double FloodRatio => FloodOurs.MedianRate / FloodC.MedianRate;
    private double FloodRatioTo(string receiver) => FloodOurs.MedianRate / FloodOf(receiver).MedianRate;
    private FloodRow FloodPsr => FloodOf("psr-flood");
    private bool FloodExact => FloodOurs.AllExact && FloodC.AllExact;
    private double AllocPerSignal => BytesPerSignal("ours-callback", "thread");
    private double HandlerRatio => handlerCost.OursNs / handlerCost.BareNs;

    private LatencyRow Row(string receiver) => latency.Single(row => row.Receiver.Name == receiver);

    public required IReadOnlyList<IsolatedRow> Isolated { get; init; }
    public required IReadOnlyList<CpuRow> Cpu { get; init; }
    public required IReadOnlyDictionary<string, IdleMeasurement> Idle { get; init; }
    public required IReadOnlyDictionary<string, List<double>> FirstUse { get; init; }
    public required IReadOnlyDictionary<string, List<double>> FirstSignal { get; init; }

    private IsolatedRow IsolatedOf(string receiver) => Isolated.First(row => row.Receiver.Name == receiver);
    private double IsolatedRatio(double q, string floor = "c-selfpipe") =>
        IsolatedOf("ours-callback").PercentileUs(q) / IsolatedOf(floor).PercentileUs(q);
    private double IsolatedP50Ratio => IsolatedRatio(0.5);
    private double IsolatedP99Ratio => IsolatedRatio(0.99);
    private double CpuRatio(int rate, string floor = "c-selfpipe") =>
        Cpu.Single(row => row.Rate == rate && row.Receiver.Name == "ours-callback").UsPerSignal /
        Cpu.Single(row => row.Rate == rate && row.Receiver.Name == floor).UsPerSignal;
    private double FirstSignalRatio => Statistics.Median(FirstSignal["ours"]) / Statistics.Median(FirstSignal["psr"]);
    private double CpuRatioWorst => Math.Max(CpuRatio(1000), CpuRatio(10_000));
    private IdleMeasurement IdleOurs => Idle["idle-ours"];
    private IdleMeasurement IdlePsr => Idle["idle-psr"];
    private double IdleCpuRatio => IdleOurs.CpuUsPerSecond / IdlePsr.CpuUsPerSecond;
    private int ThreadsAdded => IdleOurs.Threads - IdlePsr.Threads;
    private double RssAddedMb => IdleOurs.RssMb - IdlePsr.RssMb;
    private double FirstSubscribeMs => Statistics.Median(FirstUse["ours"]);

    public IEnumerable<string> BenchLines() =>
    [
        $"BENCH p50_ratio_vs_c_selfpipe={Format(P50Ratio, 2)}",
        $"BENCH p50_ratio_vs_posixsignalregistration={Format(PsrRatio, 2)}",
        $"BENCH term_ratio_vs_posixsignalregistration={Format(TermRatio, 2)}",
        $"BENCH p99_us={Format(P99Us, 1)}",
        $"BENCH flood_ratio_vs_c={Format(FloodRatio, 2)} exact={(FloodExact ? "yes" : "no")}",
        $"BENCH alloc_bytes_per_signal={Format(AllocPerSignal, 2)}",
        $"BENCH handler_cost_ratio={Format(HandlerRatio, 2)}",
        $"BENCH idle_cpu_ratio_vs_posixsignalregistration={Format(IdleCpuRatio, 2)}",
        $"BENCH idle_wakeups_per_s={Format(IdleOurs.WakeupsPerSecond, 2)}",
        $"BENCH threads_added={ThreadsAdded}",
        $"BENCH rss_added_mb={Format(RssAddedMb, 2)}",
        $"BENCH first_subscribe_ms={Format(FirstSubscribeMs, 2)}",
        $"BENCH isolated_p50_ratio_vs_c_selfpipe={Format(IsolatedP50Ratio, 2)}",
        $"BENCH isolated_p99_ratio_vs_c_selfpipe={Format(IsolatedP99Ratio, 2)}",
        $"BENCH cpu_per_signal_ratio_vs_c_selfpipe={Format(CpuRatioWorst, 2)} at_1000_per_s={Format(CpuRatio(1000), 2)} at_10000_per_s={Format(CpuRatio(10_000), 2)}",
        $"BENCH flood_ratio_vs_posixsignalregistration={Format(FloodRatioTo("psr-flood"), 2)} theirs_received={FloodPsr.Received}/{FloodPsr.Sent}",
        $"BENCH flood_ratio_vs_c_same_threads={Format(FloodRatioTo("c-selfpipe-threads"), 2)}",
        $"BENCH flood_ratio_vs_c_ring={Format(FloodRatioTo("c-ring"), 2)} exact={(FloodOurs.AllExact && FloodOf("c-ring").AllExact ? "yes" : "no")}",
        $"BENCH cpu_per_signal_ratio_vs_c_ring=at_1000_per_s={Format(CpuRatio(1000, "c-ring"), 2)} at_10000_per_s={Format(CpuRatio(10_000, "c-ring"), 2)}",
        $"BENCH isolated_p50_ratio_vs_c_ring={Format(IsolatedRatio(0.5, "c-ring"), 2)}",
        $"BENCH isolated_p99_ratio_vs_c_ring={Format(IsolatedRatio(0.99, "c-ring"), 2)}",
        $"BENCH first_signal_ratio_vs_posixsignalregistration={Format(FirstSignalRatio, 2)}",
        $"BENCH rounds={options.Rounds} load_start={machine.LoadAverage.Replace(' ', '/')} load_end={endLoad.Replace(' ', '/')}",
    ];

    // Read once, so the printed table and the saved file say the same.
    private readonly string endLoad = MachineInfo.Load();

    /// <summary>The report; the saved file carries the BENCH lines too, the printed table leaves them to the end of the output.</summary>
    public string Markdown(bool withBenchLines)
    {
        var text = new StringBuilder();
        text.AppendLine("# Signals benchmark");
        text.AppendLine();
        text.AppendLine($"- Machine: {machine.Cpu}, {machine.Cores} cores, Linux {machine.Kernel}, {machine.Runtime} (SDK {machine.Sdk})");
        text.AppendLine($"- Load average at start: {machine.LoadAverage}, at the end: {endLoad} (the machine is shared: read medians and ratios, not absolutes)");
        text.AppendLine($"- Run: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {elapsed.TotalSeconds:F0} s; {options.Rounds} interleaved rounds after one warm-up round; " +
                        $"senders are separate processes; every figure is the median of the rounds' figures (percentiles per round, then the median)");
        text.AppendLine();

        IsolatedSection(text);
        IdleSection(text);
        CpuSection(text);

        text.AppendLine($"## Back-to-back signals: ping-pong round trip (kill, then wait for the receiver's acknowledgement on a FIFO)");
        text.AppendLine();
        text.AppendLine($"{options.Samples} samples per row and round, {options.Warmup} discarded per sender run.");
        text.AppendLine();
        text.AppendLine("| receiver | samples | p50 µs | p90 µs | p99 µs | p50 / floor | lost |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---|");
        foreach (var row in latency)
        {
            text.AppendLine($"| {row.Title} | {row.Count} | {Format(row.PercentileUs(0.5), 1)} | {Format(row.PercentileUs(0.9), 1)} | " +
                            $"{Format(row.PercentileUs(0.99), 1)} | {Format(row.PercentileUs(0.5) / Floor.PercentileUs(0.5), 2)} | " +
                            $"{(row.Failures == 0 ? "none" : $"{row.Failures} runs: {row.LastFailure}")} |");
        }
        text.AppendLine();

        text.AppendLine("The floor's handler writes one byte and its reader blocks in read(2). The diagnostic rows run libsignals' " +
                        "handler and reader from C, without .NET, with the managed dispatcher's loop (signals_read_wait with a 50 µs " +
                        "spin after short waits, then sleep in read(2); the managed default is no spin): ours minus the diagnostic row is the .NET process's share, the diagnostic row " +
                        "minus the floor is the native library's.");
        text.AppendLine();
        text.AppendLine($"## Throughput: {options.FloodSenders} sender processes queue SIGRTMIN+2 with sigqueue ({options.FloodPerSender} each per round)");
        text.AppendLine();
        text.AppendLine("Rate: the median of the rounds. PosixSignalRegistration's callback cannot see si_value (the burst's total): it " +
                        "counts, and its rate is what it received from the first send to its last callback, once its count stopped growing for 0.5 s.");
        text.AppendLine();
        text.AppendLine("| receiver | signals/s (median) | slowest .. fastest round | received / sent | EAGAIN retries |");
        text.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var row in floods)
        {
            string range = row.Rates.Count == 0 ? "-" : $"{Format(row.Rates.Min(), 0)} .. {Format(row.Rates.Max(), 0)}";
            text.AppendLine($"| {row.Title} | {Format(row.MedianRate, 0)} | {range} | {row.Received} / {row.Sent}" +
                            $"{(row.AllExact ? "" : $" ({row.LastFailure})")} | {row.EagainRetries} |");
        }
        text.AppendLine();

        text.AppendLine("## Allocation: managed bytes per delivered signal, steady state (after the warm-up round)");
        text.AppendLine();
        text.AppendLine("Dispatcher thread: GC.GetAllocatedBytesForCurrentThread between callbacks (the whole dispatch path). " +
                        "Whole process: GC.GetTotalAllocatedBytes(precise) over the measured rounds (includes the control protocol's few strings).");
        text.AppendLine();
        text.AppendLine("| receiver | deliveries | dispatcher thread B/signal | whole process B/signal |");
        text.AppendLine("|---|---:|---:|---:|");
        foreach (var (name, fields) in allocations)
        {
            string thread = Format(BytesPerSignal(name, "thread"), 2);
            text.AppendLine($"| {name} | {fields.GetValueOrDefault("process_deliveries", "n/a")} | {thread} | {Format(BytesPerSignal(name, "process"), 2)} |");
        }
        text.AppendLine();

        text.AppendLine($"## In-handler cost: kill(getpid()) in a loop, C, median of {options.HandlerBlocks}-block medians per round");
        text.AppendLine();
        text.AppendLine("| handler | ns per kill | handler's share (minus ignored) |");
        text.AppendLine("|---|---:|---:|");
        text.AppendLine($"| bare: write one byte to a pipe | {Format(handlerCost.BareNs, 0)} | {Format(handlerCost.BareNs - handlerCost.IgnoredNs, 0)} |");
        text.AppendLine($"| ours: libsignals handler (Handle) | {Format(handlerCost.OursNs, 0)} | {Format(handlerCost.OursNs - handlerCost.IgnoredNs, 0)} |");
        text.AppendLine($"| ignored signal (kill syscall alone) | {Format(handlerCost.IgnoredNs, 0)} | 0 |");
        text.AppendLine();

        text.AppendLine("## Targets");
        text.AppendLine();
        text.AppendLine("| metric | value | target | met |");
        text.AppendLine("|---|---:|---:|---|");
        Target(text, "p50 / C self-pipe floor", P50Ratio, "≤ 1.2", P50Ratio <= 1.2);
        Target(text, "p50 / PosixSignalRegistration", PsrRatio, "≤ 1.0", PsrRatio <= 1.0);
        Target(text, "SIGTERM p50 / PosixSignalRegistration", TermRatio, "≤ 0.1", TermRatio <= 0.1);
        Target(text, "p99 µs (ours)", P99Us, "≤ 100", P99Us <= 100);
        Target(text, $"flood / raw C (exact: {(FloodExact ? "yes" : "no")})", FloodRatio, "≥ 0.7, exact", FloodRatio >= 0.7 && FloodExact);
        Target(text, "bytes per signal", AllocPerSignal, "0", AllocPerSignal == 0);
        Target(text, "handler cost / bare", HandlerRatio, "≤ 1.5", HandlerRatio <= 1.5);
        Target(text, "isolated p50 / C self-pipe", IsolatedP50Ratio, "≤ 1.1", IsolatedP50Ratio <= 1.1);
        Target(text, "isolated p99 / C self-pipe", IsolatedP99Ratio, "≤ 1.3", IsolatedP99Ratio <= 1.3);
        Target(text, "idle CPU / PosixSignalRegistration", IdleCpuRatio, "≤ 1.5", IdleCpuRatio <= 1.5);
        Target(text, "idle wake-ups per second (ours)", IdleOurs.WakeupsPerSecond, "≤ 5", IdleOurs.WakeupsPerSecond <= 5);
        Target(text, "threads added (vs PosixSignalRegistration)", ThreadsAdded, "≤ 1", ThreadsAdded <= 1);
        Target(text, "resident MB added (vs PosixSignalRegistration)", RssAddedMb, "≤ 1", RssAddedMb <= 1);
        Target(text, "first Subscribe in a cold process, ms", FirstSubscribeMs, "≤ 5", FirstSubscribeMs <= 5);
        Target(text, "CPU per signal / C self-pipe at 1,000/s", CpuRatio(1000), "≤ 1.2", CpuRatio(1000) <= 1.2);
        Target(text, "CPU per signal / C self-pipe at 10,000/s", CpuRatio(10_000), "≤ 1.0", CpuRatio(10_000) <= 1.0);
        Target(text, "flood / PosixSignalRegistration", FloodRatioTo("psr-flood"), "≥ 1.2", FloodRatioTo("psr-flood") >= 1.2);
        Target(text, "flood / C self-pipe with as many threads", FloodRatioTo("c-selfpipe-threads"), "≥ 1.0", FloodRatioTo("c-selfpipe-threads") >= 1.0);
        foreach (int rate in new[] { 1000, 10_000 })
            Target(text, $"CPU per signal / C ring at {rate:N0}/s", CpuRatio(rate, "c-ring"), "≤ 1.2", CpuRatio(rate, "c-ring") <= 1.2);
        Target(text, "isolated p50 / C ring", IsolatedRatio(0.5, "c-ring"), "≤ 1.2", IsolatedRatio(0.5, "c-ring") <= 1.2);
        Target(text, "isolated p99 / C ring", IsolatedRatio(0.99, "c-ring"), "≤ 1.2", IsolatedRatio(0.99, "c-ring") <= 1.2);
        Target(text, "flood / C ring", FloodRatioTo("c-ring"), "≥ 0.83", FloodRatioTo("c-ring") >= 1 / 1.2);
        Target(text, "first delivery in a cold process / PosixSignalRegistration", FirstSignalRatio, "≤ 1.0", FirstSignalRatio <= 1.0);
        if (withBenchLines)
        {
            text.AppendLine();
            text.AppendLine("```");
            foreach (var line in BenchLines())
                text.AppendLine(line);
            text.AppendLine("```");
        }
        return text.ToString();
    }

    private void IsolatedSection(StringBuilder text)
    {
        var floor = IsolatedOf("c-selfpipe");
        text.AppendLine("## Latency: isolated signals (2–10 ms apart at random) → start of the callback");
        text.AppendLine();
        text.AppendLine($"sigqueue with the send time as its value; the receiver answers with its CLOCK_MONOTONIC reading at the start " +
                        $"of its callback. {options.IsolatedSamples} samples per row and round, every row in every round.");
        text.AppendLine();
        text.AppendLine("| receiver | samples | p50 µs | p90 µs | p99 µs | p50 / floor | p99 / floor | lost |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var row in Isolated)
        {
            text.AppendLine($"| {row.Title} | {row.Count} | {Format(row.PercentileUs(0.5), 1)} | {Format(row.PercentileUs(0.9), 1)} | " +
                            $"{Format(row.PercentileUs(0.99), 1)} | {Format(row.PercentileUs(0.5) / floor.PercentileUs(0.5), 2)} | " +
                            $"{Format(row.PercentileUs(0.99) / floor.PercentileUs(0.99), 2)} | " +
                            $"{(row.Failures == 0 ? "none" : $"{row.Failures} runs: {row.LastFailure}")} |");
        }
        text.AppendLine();
    }

    private void IdleSection(StringBuilder text)
    {
        text.AppendLine($"## Idle: {options.IdleSeconds} s with handlers for SIGHUP, SIGTERM and SIGUSR1 and no signals");
        text.AppendLine();
        text.AppendLine("Process CPU (schedstat of every thread), context switches (voluntary + nonvoluntary), threads and VmRSS from /proc. " +
                        "The first three rows are processes that do nothing else; the rest are the long-lived benchmark receivers (their CPU rows subtract these rates).");
        text.AppendLine();
        text.AppendLine("| process | CPU µs/s | wake-ups /s | threads | RSS MB | Signals loaded |");
        text.AppendLine("|---|---:|---:|---:|---:|---|");
        foreach (var (name, idle) in Idle.OrderBy(pair => pair.Key.StartsWith("idle-", StringComparison.Ordinal) ? 0 : 1))
        {
            string title = name switch
            {
                "idle-bare" => "no handlers (a bare .NET process)",
                "idle-psr" => "PosixSignalRegistration ×3",
                "idle-ours" => "ours: SignalEvents.Subscribe ×3",
                _ => $"receiver {name}",
            };
            text.AppendLine($"| {title} | {Format(idle.CpuUsPerSecond, 1)} | {Format(idle.WakeupsPerSecond, 2)} | {idle.Threads} | " +
                            $"{Format(idle.RssMb, 1)} | {(idle.LoadsSignals ? "yes" : "no")} |");
        }
        text.AppendLine();
        text.AppendLine($"First use in a cold process ({options.FirstUseRuns} processes each), ms: ours (first SignalEvents.Subscribe of three signals) " +
                        $"median {Format(FirstSubscribeMs, 2)} ({string.Join(", ", FirstUse["ours"].Select(ms => Format(ms, 1)))}); " +
                        $"PosixSignalRegistration.Create ×3 median {Format(Statistics.Median(FirstUse["psr"]), 2)} " +
                        $"({string.Join(", ", FirstUse["psr"].Select(ms => Format(ms, 1)))}).");
        text.AppendLine();
        text.AppendLine($"First delivery in a cold process ({options.FirstUseRuns} processes each: subscribe to SIGUSR2, then an isolated_sender " +
                        $"sigqueue 2-10 ms later), send → start of the callback, µs: ours median {Format(Statistics.Median(FirstSignal["ours"]), 1)} " +
                        $"({string.Join(", ", FirstSignal["ours"].Select(us => Format(us, 0)))}); PosixSignalRegistration median " +
                        $"{Format(Statistics.Median(FirstSignal["psr"]), 1)} ({string.Join(", ", FirstSignal["psr"].Select(us => Format(us, 0)))}).");
        text.AppendLine();
    }

    private void CpuSection(StringBuilder text)
    {
        text.AppendLine("## CPU per signal: a steady stream of queued real-time signals");
        text.AppendLine();
        text.AppendLine("Receiver process CPU (all threads, /proc) over the stream, minus its idle rate, divided by the signals.");
        text.AppendLine();
        text.AppendLine("| receiver | rate /s | signals | CPU µs per signal | rounds, lowest .. highest | / floor | exact |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---|");
        foreach (var row in Cpu)
        {
            var floor = Cpu.Single(other => other.Rate == row.Rate && other.Receiver.Name == "c-selfpipe");
            text.AppendLine($"| {row.Title} | {row.Rate} | {row.Signals} | {Format(row.UsPerSignal, 2)} | {row.Range} | " +
                            $"{Format(row.UsPerSignal / floor.UsPerSignal, 2)} | {(row.AllExact ? "yes" : row.LastFailure)} |");
        }
        text.AppendLine();
    }

    private double BytesPerSignal(string receiver, string scope)
    {
        var fields = allocations[receiver];
        double bytes = double.Parse(fields.GetValueOrDefault($"{scope}_bytes", "-1"), Invariant);
        double deliveries = double.Parse(fields.GetValueOrDefault($"{scope}_deliveries", "0"), Invariant);
        return bytes < 0 || deliveries <= 0 ? double.NaN : bytes / deliveries;
    }

    private static void Target(StringBuilder text, string metric, double value, string target, bool met) =>
        text.AppendLine($"| {metric} | {Format(value, 2)} | {target} | {(met ? "yes" : "**no**")} |");

    private static string Format(double value, int decimals) =>
        double.IsNaN(value) ? "n/a" : value.ToString("F" + decimals.ToString(Invariant), Invariant);
}
