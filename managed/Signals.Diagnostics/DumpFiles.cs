using System.Diagnostics;
using System.Globalization;

namespace Signals.Diagnostics;

/// <summary>Dumps on demand: names with pid and time, the room check, and keeping at most N.</summary>
internal static class DumpFiles
{
    private const string Prefix = "dump-";

    internal static long MinimumFreeBytes(DumpType type)
    {
        long workingSet = Environment.WorkingSet;
        const long margin = 64L << 20;
        return type switch
        {
            DumpType.WithHeap => workingSet + margin,
            DumpType.Full => 2 * workingSet + margin,
            _ => margin,
        };
    }

    internal static DumpResult Write(DumpOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Directory))
            throw new ArgumentException("DumpOptions.Directory is required.", nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxFiles, 1, nameof(options));
        string directory = Path.GetFullPath(options.Directory);
        var now = DateTime.UtcNow;
        string path = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Environment.ProcessId}-{now:yyyyMMddTHHmmssfff}Z.dmp"));
        var took = Stopwatch.StartNew();
        SelfDump.Write(path, options.Type, options.MinimumFreeBytes ?? MinimumFreeBytes(options.Type), cancellationToken);
        long bytes = new FileInfo(path).Length;
        return new DumpResult(path, bytes, took.Elapsed, KeepNewest(directory, options.MaxFiles));
    }

    /// <summary>Removes our oldest dumps (by name: the time in it sorts) beyond <paramref name="keep"/>; other files are never touched.</summary>
    private static IReadOnlyList<string> KeepNewest(string directory, int keep)
    {
        var ours = Directory.EnumerateFiles(directory, Prefix + "*.dmp")
            .Where(IsOurs)
            .OrderByDescending(path => File.GetLastWriteTimeUtc(path))
            .ThenByDescending(path => path, StringComparer.Ordinal)
            .ToList();
        var removed = new List<string>();
        foreach (var old in ours.Skip(keep))
        {
            SelfDump.TryDelete(old);
            removed.Add(old);
        }
        return removed;
    }

    /// <summary>dump-PID-yyyyMMddTHHmmssfffZ.dmp</summary>
    private static bool IsOurs(string path)
    {
        string name = Path.GetFileNameWithoutExtension(path);
        var parts = name.Split('-');
        return parts.Length == 3 && parts[0] == "dump" && int.TryParse(parts[1], out _) && parts[2].Length == 19 && parts[2].EndsWith('Z');
    }
}
