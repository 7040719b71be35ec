namespace Signals.Diagnostics;

/// <summary>Where and how <see cref="SignalDiagnostics.WriteDump"/> writes a dump on demand.</summary>
public sealed class DumpOptions
{
    /// <summary>The directory the dumps go to; it must exist. Required.</summary>
    public string Directory { get; set; } = "";

    /// <summary>What the dump holds. Default: <see cref="DumpType.WithHeap"/> (what <c>dotnet-dump analyze</c> needs for heap commands).</summary>
    public DumpType Type { get; set; } = DumpType.WithHeap;

    /// <summary>How many of our dumps (dump-PID-TIME.dmp) the directory keeps at most: the oldest are removed after a new one is written. Default: 3.</summary>
    public int MaxFiles { get; set; } = 3;

    /// <summary>
    /// Refuse to write unless the directory's file system has this much room. Null (the default): an estimate for the
    /// type (64 MB for mini and triage dumps, the working set plus 64 MB with the heap, twice the working set plus
    /// 64 MB for a full dump).
    /// </summary>
    public long? MinimumFreeBytes { get; set; }
}
