using System.Diagnostics;
using System.Globalization;
using Signals.Bench.Receivers;

namespace Signals.Bench.Suite;

/// <summary>
/// Runs every row in one process tree, interleaved in rounds: each round runs each latency row (in a
/// rotated order), the isolated-signal rows, the flood rows, the CPU-per-signal rows and the handler-cost
/// probe, so that whatever else the machine is doing at a given moment hits every row alike. A first round
/// warms everything up and is not recorded; then come the measured rounds, then the idle window (every
/// receiver, and three idle processes holding handlers, measured from /proc while nothing is sent), then
/// the cold-process first-use timings and first deliveries.
/// </summary>
internal static class BenchSuite
{
    public static int Run(BenchOptions options)
    {
        if (Stopwatch.Frequency != 1_000_000_000)
            throw new InvalidOperationException("the isolated-signal row needs Stopwatch in CLOCK_MONOTONIC nanoseconds (Linux)");
        var clock = Stopwatch.StartNew();
        var machine = MachineInfo.Collect(options.SdkVersion);
        var scratch = Directory.CreateTempSubdirectory("signals-bench-").FullName;
        var receivers = new List<ReceiverProcess>();
        try
        {
            int usr1 = Signal.SIGUSR1.Number, term = Signal.SIGTERM.Number, flood = ReceiverModes.FloodSignal.Number;
            ReceiverProcess StartCWith(string name, string tool, params string[] arguments)
            {
                string fifo = MakeFifo(scratch, name);
                var receiver = ReceiverProcess.Start(name, fifo, Path.Combine(options.Tools, tool), [fifo, .. arguments]);
                receivers.Add(receiver);
                return receiver;
            }
            ReceiverProcess StartDotnet(string mode)
            {
                string fifo = MakeFifo(scratch, mode);
                var (fileName, prefix) = SelfCommand();
                var receiver = ReceiverProcess.Start(mode, fifo, fileName, [.. prefix, "receive", mode, fifo]);
                receivers.Add(receiver);
                return receiver;
            }
            ReceiverProcess StartIdle(string mode)
            {
                var (fileName, prefix) = SelfCommand();
                var receiver = ReceiverProcess.Start("idle-" + mode, "", fileName, [.. prefix, "idle", mode]);
                receivers.Add(receiver);
                return receiver;
            }

            var selfPipe = StartCWith("c-selfpipe", "recv_selfpipe", flood.ToString(CultureInfo.InvariantCulture));
            var ring = StartCWith("c-ring", "recv_ring", flood.ToString(CultureInfo.InvariantCulture));
            var sigwait = StartCWith("c-sigwait", "recv_sigwait");
            var libsignalsLoop = StartCWith("c-libsignals", "recv_libsignals", flood.ToString(CultureInfo.InvariantCulture));
            // About as many idle threads that take signals as a .NET process has (12 in the demo, more with a busy ThreadPool).
            var libsignalsThreads = StartCWith("c-libsignals-threads", "recv_libsignals", flood.ToString(CultureInfo.InvariantCulture), "14");
            var signalfd = StartCWith("c-signalfd", "recv_signalfd");
            var oursCallback = StartDotnet("ours-callback");
            var oursWaitAsync = StartDotnet("ours-waitasync");
            var psrUsr1 = StartDotnet("psr-usr1");
            var psrTerm = StartDotnet("psr-term");
            var oursTerm = StartDotnet("ours-term");
            var oursSpin = StartDotnet("ours-spin50");
            var psrFlood = StartDotnet("psr-flood");
            // Started now, so they have settled (JIT, tamper checks backed off) by the idle window after the rounds.
            var idleProcesses = new[] { StartIdle("bare"), StartIdle("psr"), StartIdle("ours") };

            var latency = new List<LatencyRow>
            {
                new("C self-pipe, reader thread (floor)", selfPipe, usr1),
                new("C ring + futex wake (second floor)", ring, usr1),
                new("C sigwaitinfo thread", sigwait, usr1),
                new("ours: Subscribe callback (dispatcher)", oursCallback, usr1),
                new("ours: WaitAsync loop", oursWaitAsync, usr1),
                new(".NET PosixSignalRegistration SIGUSR1", psrUsr1, usr1),
                new(".NET PosixSignalRegistration SIGTERM", psrTerm, term),
                new("ours: Subscribe callback SIGTERM", oursTerm, term),
                new("diagnostic: C + libsignals, the dispatcher's loop", libsignalsLoop, usr1),
            };
            var floods = new List<FloodRow>
            {
                new("C self-pipe + atomic counter", selfPipe, flood),
                new("C ring + futex wake", ring, flood),
                new("ours: Subscribe callback", oursCallback, flood),
                new(".NET PosixSignalRegistration (counts only; callbacks on the thread pool)", psrFlood, flood, acknowledges: false),
                new("diagnostic: C + libsignals, the dispatcher's loop", libsignalsLoop, flood),
                new("diagnostic: the same + 14 idle threads that take signals (like .NET's)", libsignalsThreads, flood),
            };
            int isolatedSignal = ReceiverModes.IsolatedSignal.Number;
            var isolated = new List<IsolatedRow>
            {
                new("C self-pipe, reader thread (floor)", selfPipe, isolatedSignal),
                new("C ring + futex wake (second floor)", ring, isolatedSignal),
                new("C signalfd thread", signalfd, isolatedSignal),
                new(".NET PosixSignalRegistration", psrUsr1, isolatedSignal),
                new("ours: Subscribe callback (dispatcher)", oursCallback, isolatedSignal),
                new("diagnostic: ours with DispatcherSpin = 50 µs", oursSpin, isolatedSignal),
            };
            var cpuRows = new List<CpuRow>();
            foreach (int rate in new[] { 1000, 10_000 })
            {
                cpuRows.Add(new("C self-pipe + atomic counter (floor)", selfPipe, flood, rate));
                cpuRows.Add(new("C ring + futex wake (second floor)", ring, flood, rate));
                cpuRows.Add(new("ours: Subscribe callback (dispatcher)", oursCallback, flood, rate));
                cpuRows.Add(new("diagnostic: ours with DispatcherSpin = 50 µs", oursSpin, flood, rate));
            }
            var handlerCost = new HandlerCostRow();
            var dotnetReceivers = new[] { oursCallback, oursWaitAsync, psrUsr1, psrTerm, oursTerm, psrFlood };

            Console.Error.WriteLine($"bench: warm-up round ({machine.Cores} cores, load {machine.LoadAverage})");
            RunRound(0, record: false, Math.Max(1000, options.Samples / 2));
            // The floor at our receiver's thread count, counted once the warm-up is over (a .NET process starts
            // threads that end a few seconds later): its main thread and reader, and idle threads for the rest.
            int oursThreads = ProcStats.Read(oursCallback.Pid).Threads;
            var selfPipeSameThreads = StartCWith("c-selfpipe-threads", "recv_selfpipe", flood.ToString(CultureInfo.InvariantCulture),
                Math.Max(0, oursThreads - 2).ToString(CultureInfo.InvariantCulture));
            floods.Insert(1, new($"C self-pipe + atomic counter, {oursThreads} threads (as many as ours)", selfPipeSameThreads, flood));
            foreach (var receiver in dotnetReceivers)
                Control(receiver, "mark");
            for (int round = 1; round <= options.Rounds; round++)
            {
                Console.Error.WriteLine($"bench: round {round}/{options.Rounds} ({clock.Elapsed.TotalSeconds:F0} s, load {MachineInfo.Load()})");
                RunRound(round, record: true, options.Samples);
            }
            // After the rounds: every process has been up for minutes, its tamper checks backed off and its code tiered up.
            var idle = MeasureIdle(options, receivers, idleProcesses, cpuRows);
            var allocations = dotnetReceivers.ToDictionary(receiver => receiver.Name, receiver => Tool.Fields(Control(receiver, "stats")));
            var firstUse = MeasureFirstUse(options);
            var firstSignal = MeasureFirstSignal(options, scratch);

            var report = new Report(options, machine, latency, floods, handlerCost, allocations, clock.Elapsed)
            {
                Isolated = isolated,
                Cpu = cpuRows,
                Idle = idle,
                FirstUse = firstUse,
                FirstSignal = firstSignal,
            };
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.Output))!);
            File.WriteAllText(options.Output, report.Markdown(withBenchLines: true));
            Console.WriteLine(report.Markdown(withBenchLines: false));
            foreach (var line in report.BenchLines())
                Console.WriteLine(line);
            return 0;

            void RunRound(int round, bool record, int samples)
            {
                // Rotate the order each round so no row always follows the same neighbour.
                for (int i = 0; i < latency.Count; i++)
                    latency[(i + round) % latency.Count].RunRound(options, scratch, samples, record);
                for (int i = 0; i < isolated.Count; i++)
                    isolated[(i + round) % isolated.Count].RunRound(options, scratch, round,
                        record ? options.IsolatedSamples : Math.Max(10, options.IsolatedSamples / 5), record);
                for (int i = 0; i < floods.Count; i++)
                    floods[(i + round) % floods.Count].RunRound(options, record);
                for (int i = 0; i < cpuRows.Count; i++)
                {
                    var row = cpuRows[(i + round) % cpuRows.Count];
                    row.RunRound(options, row.Rate == 1000 ? options.CpuSlowCount : options.CpuFastCount, record);
                }
                handlerCost.RunRound(options, record);
            }
        }
        finally
        {
            foreach (var receiver in receivers)
                receiver.Dispose();
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>
    /// Nothing is sent for <see cref="BenchOptions.IdleSeconds"/>: every process's CPU, wake-ups, threads and
    /// memory over that window. Gives the idle rows and each CPU row's idle baseline.
    /// </summary>
    private static Dictionary<string, IdleMeasurement> MeasureIdle(BenchOptions options, List<ReceiverProcess> receivers,
        ReceiverProcess[] idleProcesses, List<CpuRow> cpuRows)
    {
        Console.Error.WriteLine($"bench: idle window ({options.IdleSeconds} s, load {MachineInfo.Load()})");
        var start = receivers.ToDictionary(receiver => receiver, receiver => ProcStats.Read(receiver.Pid));
        Thread.Sleep(TimeSpan.FromSeconds(options.IdleSeconds));
        var idle = receivers.ToDictionary(receiver => receiver.Name,
            receiver => IdleMeasurement.From(receiver.Name, receiver.Pid, start[receiver], ProcStats.Read(receiver.Pid)));
        foreach (var row in cpuRows)
            row.IdleNsPerSecond = idle[row.Receiver.Name].CpuUsPerSecond * 1000.0;
        return idle;
    }

    /// <summary>Cold processes, alternating: the milliseconds of the very first Subscribe / PosixSignalRegistration.Create.</summary>
    private static Dictionary<string, List<double>> MeasureFirstUse(BenchOptions options)
    {
        Console.Error.WriteLine($"bench: first use in {options.FirstUseRuns} cold processes each");
        var (fileName, prefix) = SelfCommand();
        var times = new Dictionary<string, List<double>> { ["ours"] = [], ["psr"] = [] };
        for (int run = 0; run < options.FirstUseRuns; run++)
        {
            foreach (var (mode, list) in times)
            {
                string output = Tool.RunChecked(fileName, [.. prefix, "first-use", mode]);
                list.Add(double.Parse(output.Trim(), CultureInfo.InvariantCulture));
            }
        }
        return times;
    }

    /// <summary>
    /// Cold processes, alternating: from sending the first SIGUSR2 after the first Subscribe (or
    /// PosixSignalRegistration.Create) to the start of its callback, in microseconds (isolated_sender, one sample).
    /// </summary>
    private static Dictionary<string, List<double>> MeasureFirstSignal(BenchOptions options, string scratch)
    {
        Console.Error.WriteLine($"bench: first delivery in {options.FirstUseRuns} cold processes each");
        var (fileName, prefix) = SelfCommand();
        var times = new Dictionary<string, List<double>> { ["ours"] = [], ["psr"] = [] };
        string output = Path.Combine(scratch, "first-signal.bin");
        for (int run = 0; run < options.FirstUseRuns; run++)
        {
            foreach (var (mode, list) in times)
            {
                string fifo = MakeFifo(scratch, $"first-signal-{mode}-{run}");
                using var receiver = ReceiverProcess.Start("first-signal-" + mode, fifo, fileName, [.. prefix, "first-signal", mode, fifo]);
                Tool.RunChecked(Path.Combine(options.Tools, "isolated_sender"), receiver.Pid.ToString(CultureInfo.InvariantCulture),
                    Signal.SIGUSR2.Number.ToString(CultureInfo.InvariantCulture), fifo, "1",
                    run.ToString(CultureInfo.InvariantCulture), output);
                list.Add(BitConverter.ToInt64(File.ReadAllBytes(output)) / 1000.0);
            }
        }
        return times;
    }

    // A receiver that died (e.g. killed by a signal it failed to handle) has no stats: the report says n/a.
    private static string Control(ReceiverProcess receiver, string command)
    {
        try
        {
            return receiver.Command(command);
        }
        catch (Exception exception) when (exception is IOException or InvalidOperationException or TimeoutException)
        {
            Console.Error.WriteLine($"bench: {receiver.Name} did not answer '{command}': {exception.Message}");
            return "";
        }
    }

    private static string MakeFifo(string folder, string name)
    {
        string path = Path.Combine(folder, name + ".ack");
        Tool.RunChecked("mkfifo", path); // .NET has no mkfifo and we make no P/Invoke of our own
        return path;
    }

    // How to start this same program again: its apphost, or `dotnet Signals.Bench.dll`.
    private static (string FileName, string[] Prefix) SelfCommand()
    {
        string process = Environment.ProcessPath ?? throw new InvalidOperationException("unknown process path");
        return Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? (process, [typeof(BenchSuite).Assembly.Location])
            : (process, []);
    }
}
