using System.Diagnostics;
using Signals.Diagnostics;

namespace Signals.Bench.ThreadDump;

/// <summary>
/// `Signals.Bench.ThreadDump [RUNS]`: what one thread-stacks report (Signals.Diagnostics) costs a process with 50
/// extra threads (48 sleeping, one in Monitor.Wait, one spinning): wall time per report, the peak resident memory it
/// adds (VmHWM after the reports minus VmHWM before), and how a request loop fares meanwhile (a thread-pool work item
/// per millisecond; its latency p99 while reports are written, next to the p99 without). Prints BENCH lines.
/// Not part of the interleaved suite: a report freezes the process for most of its duration (createdump stops every
/// thread while it copies memory), which would disturb the other rows.
/// </summary>
internal static class ThreadDumpBench
{
    internal static int Run(int runs)
    {
        var gate = new object();
        for (int i = 0; i < 48; i++)
            new Thread(() => Thread.Sleep(Timeout.Infinite)) { IsBackground = true, Name = $"sleeper {i}" }.Start();
        new Thread(() => { lock (gate) Monitor.Wait(gate); }) { IsBackground = true, Name = "waiter" }.Start();
        new Thread(() => { while (true) Thread.SpinWait(1000); }) { IsBackground = true, Name = "spinner" }.Start();

        var requests = new RequestLoop();
        requests.Start();
        Thread.Sleep(2000); // the loop's baseline, and the threads settled
        var baseline = requests.Take();

        long hwmBefore = StatusKb("VmHWM");
        var times = new List<double>();
        var during = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            requests.Take();
            var took = Stopwatch.StartNew();
            SignalDiagnostics.WriteThreadStacks(TextWriter.Null, "bench");
            times.Add(took.Elapsed.TotalMilliseconds);
            during.AddRange(requests.Take());
            Thread.Sleep(500);
        }
        long hwmAfter = StatusKb("VmHWM");
        requests.Stop();

        times.Sort();
        Console.WriteLine($"thread-stacks report, 50 extra threads, {runs} runs: median {Percentile(times, 50):F0} ms, max {times[^1]:F0} ms; " +
            $"peak RSS +{(hwmAfter - hwmBefore) / 1024.0:F1} MB; request p99 {Percentile(Sorted(during), 99):F1} ms during reports, {Percentile(Sorted(baseline), 99):F2} ms without");
        Console.WriteLine($"BENCH thread_dump_ms {Percentile(times, 50):F0}");
        Console.WriteLine($"BENCH thread_dump_rss_mb {(hwmAfter - hwmBefore) / 1024.0:F1}");
        Console.WriteLine($"BENCH thread_dump_request_p99_ms {Percentile(Sorted(during), 99):F1}");
        Console.WriteLine($"BENCH thread_dump_request_p99_baseline_ms {Percentile(Sorted(baseline), 99):F2}");
        return 0;
    }

    private static List<double> Sorted(List<double> values)
    {
        values.Sort();
        return values;
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100 * sorted.Count) - 1)];

    private static long StatusKb(string field) =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);

    /// <summary>One small thread-pool work item per millisecond, timed from queueing to completion.</summary>
    private sealed class RequestLoop
    {
        private readonly List<double> _latencies = [];
        private volatile bool _stop;
        private Thread? _thread;

        internal void Start()
        {
            _thread = new Thread(() =>
            {
                while (!_stop)
                {
                    var took = Stopwatch.StartNew();
                    Task.Run(() => { long s = 0; for (int i = 0; i < 10_000; i++) s += i; return s; }).Wait();
                    double ms = took.Elapsed.TotalMilliseconds;
                    lock (_latencies) _latencies.Add(ms);
                    Thread.Sleep(1);
                }
            }) { IsBackground = true, Name = "request loop" };
            _thread.Start();
        }

        internal List<double> Take()
        {
            lock (_latencies)
            {
                var taken = new List<double>(_latencies);
                _latencies.Clear();
                return taken;
            }
        }

        internal void Stop()
        {
            _stop = true;
            _thread?.Join();
        }
    }
}
