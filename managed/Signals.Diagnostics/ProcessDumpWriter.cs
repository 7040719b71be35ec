using Signals.Hosting;

namespace Signals.Diagnostics;

/// <summary>Signals.Hosting's way to a dump of the process (<see cref="IProcessDumpWriter"/>), registered by <c>AddSignalDiagnostics()</c>.</summary>
internal sealed class ProcessDumpWriter : IProcessDumpWriter
{
    public long WriteDump(string path, int dumpType, CancellationToken cancellationToken)
    {
        if (dumpType is < 1 or > 4)
            throw new ArgumentOutOfRangeException(nameof(dumpType), dumpType, "A dump type is 1 (mini), 2 (with heap), 3 (triage) or 4 (full).");
        string full = Path.GetFullPath(path);
        SelfDump.Write(full, (DumpType)dumpType, DumpFiles.MinimumFreeBytes((DumpType)dumpType), cancellationToken);
        return new FileInfo(full).Length;
    }
}
