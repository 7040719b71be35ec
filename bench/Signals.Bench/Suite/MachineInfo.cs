using System.Runtime.InteropServices;

namespace Signals.Bench.Suite;

/// <summary>The facts that make a benchmark table comparable: what it ran on.</summary>
internal sealed record MachineInfo(string Cpu, int Cores, string Kernel, string Runtime, string Sdk, string LoadAverage)
{
    public static MachineInfo Collect(string? sdkVersion) => new(
        Cpu: File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))
                 ?.Split(':', 2)[1].Trim() ?? "unknown",
        Cores: Environment.ProcessorCount,
        Kernel: File.ReadAllText("/proc/sys/kernel/osrelease").Trim(),
        Runtime: RuntimeInformation.FrameworkDescription,
        Sdk: sdkVersion ?? "unknown",
        LoadAverage: Load());

    /// <summary>The 1, 5 and 15 minute load averages, as /proc/loadavg has them.</summary>
    public static string Load() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
