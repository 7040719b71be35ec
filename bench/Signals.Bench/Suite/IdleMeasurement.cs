namespace Signals.Bench.Suite;

/// <summary>One process over the idle window: CPU, wake-ups, threads and memory, from /proc.</summary>
internal sealed record IdleMeasurement(string Name, double CpuUsPerSecond, double WakeupsPerSecond, int Threads, double RssMb, bool LoadsSignals)
{
    public static IdleMeasurement From(string name, int pid, ProcStats start, ProcStats end)
    {
        double seconds = ProcStats.Seconds(start, end);
        return new IdleMeasurement(name, end.CpuNsSince(start) / 1000.0 / seconds, end.SwitchesSince(start) / seconds, end.Threads, end.RssKb / 1024.0,
            ProcStats.Maps(pid, "/Signals.dll") || ProcStats.Maps(pid, "/libsignals.so"));
    }
}
