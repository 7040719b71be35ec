using System.Globalization;

namespace Signals.Bench.Suite;

/// <summary>
/// What /proc says about a process, summed over its threads: CPU time (schedstat, nanoseconds: the
/// tick-based utime/stime of /proc/PID/stat are too coarse for an idle process), context switches
/// (voluntary + nonvoluntary, i.e. wake-ups), the thread count and the resident memory. A thread that
/// ends between two readings takes its share with it; idle receivers keep their threads.
/// </summary>
internal sealed record ProcStats(long CpuNs, long ContextSwitches, int Threads, long RssKb, long AtTicks)
{
    public static ProcStats Read(int pid)
    {
        long at = System.Diagnostics.Stopwatch.GetTimestamp();
        long cpu = 0, switches = 0;
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                cpu += long.Parse(File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ')[0], CultureInfo.InvariantCulture);
                foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                    if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) ||
                        line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                        switches += long.Parse(line.Split(':')[1].Trim(), CultureInfo.InvariantCulture);
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
        return new ProcStats(cpu, switches, threads, rss, at);
    }

    /// <summary>Whether the process has mapped a file whose path ends with <paramref name="suffix"/>.</summary>
    public static bool Maps(int pid, string suffix) =>
        File.ReadLines($"/proc/{pid}/maps").Any(line => line.EndsWith(suffix, StringComparison.Ordinal));

    public static double Seconds(ProcStats from, ProcStats to) =>
        (to.AtTicks - from.AtTicks) / (double)System.Diagnostics.Stopwatch.Frequency;
}
