using System.Globalization;

namespace Signals.Bench.Suite;

/// <summary>
/// What /proc says about a process, summed over its threads: CPU time (schedstat, nanoseconds: the
/// tick-based utime/stime of /proc/PID/stat are too coarse for an idle process), context switches
/// (voluntary + nonvoluntary, i.e. wake-ups), the thread count and the resident memory. Differences are
/// taken per thread: a thread that ends between two readings takes its share with it (it is left out,
/// never counted negative), a thread that starts counts from zero.
/// </summary>
internal sealed record ProcStats(Dictionary<int, (long CpuNs, long Switches)> Tasks, int Threads, long RssKb, long AtTicks)
{
    public long CpuNsSince(ProcStats start) =>
        Tasks.Sum(task => task.Value.CpuNs - (start.Tasks.TryGetValue(task.Key, out var before) ? before.CpuNs : 0));

    public long SwitchesSince(ProcStats start) =>
        Tasks.Sum(task => task.Value.Switches - (start.Tasks.TryGetValue(task.Key, out var before) ? before.Switches : 0));

    public static ProcStats Read(int pid)
    {
        long at = System.Diagnostics.Stopwatch.GetTimestamp();
        var tasks = new Dictionary<int, (long, long)>();
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                long cpu = long.Parse(File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ')[0], CultureInfo.InvariantCulture);
                long switches = 0;
                foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                    if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) ||
                        line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                        switches += long.Parse(line.Split(':')[1].Trim(), CultureInfo.InvariantCulture);
                tasks[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = (cpu, switches);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // the thread ended meanwhile
            }
        }
        int threads = 0;
        long rss = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("Threads:", StringComparison.Ordinal))
                threads = int.Parse(line.Split(':')[1].Trim(), CultureInfo.InvariantCulture);
            else if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                rss = long.Parse(line.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        return new ProcStats(tasks, threads, rss, at);
    }

    /// <summary>Whether the process has mapped a file whose path ends with <paramref name="suffix"/>.</summary>
    public static bool Maps(int pid, string suffix) =>
        File.ReadLines($"/proc/{pid}/maps").Any(line => line.EndsWith(suffix, StringComparison.Ordinal));

    public static double Seconds(ProcStats from, ProcStats to) =>
        (to.AtTicks - from.AtTicks) / (double)System.Diagnostics.Stopwatch.Frequency;
}
