using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Signals.Diagnostics;

/// <summary>
/// Writes a dump of this process with the runtime's own <c>createdump</c> (beside libcoreclr.so), started as our
/// child with its output redirected. Why not the diagnostics IPC's WriteDump (what dotnet-dump uses): the runtime then
/// starts createdump itself, with our stdout, and its "[createdump] ..." lines land in the application's output
/// (measured: five lines per dump); the IPC is also off under <c>DOTNET_EnableDiagnostics=0</c>, while createdump
/// as our child still works then (measured: it reads the process with ptrace and the DAC, not through the IPC). createdump attaches
/// with ptrace; under Yama's ptrace_scope 1 a child may not trace its parent unless the parent names it
/// (PR_SET_PTRACER), which we do for the dump's duration, as the runtime does for its own createdump.
/// One dump at a time per process.
/// </summary>
internal static class SelfDump
{
    private static readonly object Gate = new();

    /// <summary>The createdump option for each dump type.</summary>
    internal static string Option(DumpType type) => type switch
    {
        DumpType.Mini => "--normal",
        DumpType.Triage => "--triage",
        DumpType.WithHeap => "--withheap",
        DumpType.Full => "--full",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a dump type."),
    };

    /// <summary>Writes the dump to <paramref name="path"/>; throws InvalidOperationException naming the cause and the fix.</summary>
    /// <param name="path">The dump file; its directory must exist and be writable.</param>
    /// <param name="type">What the dump holds.</param>
    /// <param name="minimumFreeBytes">Refuse unless the directory's file system has this much room.</param>
    /// <param name="cancellationToken">Kills createdump and removes the partial file.</param>
    internal static void Write(string path, DumpType type, long minimumFreeBytes, CancellationToken cancellationToken)
    {
        string createdump = Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "createdump");
        if (!File.Exists(createdump))
            throw new InvalidOperationException($"the runtime has no createdump ({createdump} is missing; a single-file or trimmed runtime may leave it out): " +
                "publish framework-dependent, or keep createdump beside libcoreclr.so.");
        string? directory = Path.GetDirectoryName(path);
        if (directory is not null && !Directory.Exists(directory))
            throw new InvalidOperationException($"the directory {directory} does not exist: create it or configure another one.");
        if (directory is not null)
            CheckRoom(directory, minimumFreeBytes);
        // Created here first, so that a read-only or unwritable directory is reported as such, not as createdump's failure.
        try
        {
            File.WriteAllBytes(path, []);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"could not write {path} ({exception.Message}): configure a writable directory.", exception);
        }
        lock (Gate)
        {
            int yama = YamaPtraceScope();
            if (yama >= 2)
                throw new InvalidOperationException($"ptrace is restricted to CAP_SYS_PTRACE (kernel.yama.ptrace_scope={yama}), and createdump needs it: " +
                    "set kernel.yama.ptrace_scope=1 or give the process CAP_SYS_PTRACE (docker run --cap-add=SYS_PTRACE).");
            // Yama scope 1: only a declared tracer may attach to us. The child's pid is not known before it starts, so
            // any process of ours may, for the dump's duration only.
            if (yama == 1)
                _ = Prctl(PrSetPtracer, PrSetPtracerAny, 0, 0, 0);
            try
            {
                Run(createdump, path, type, cancellationToken);
            }
            finally
            {
                if (yama == 1)
                    _ = Prctl(PrSetPtracer, 0, 0, 0, 0);
            }
        }
    }

    private static void Run(string createdump, string path, DumpType type, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(createdump)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        // createdump expands %p, %e, %h, %t and %% in the name (DOTNET_DbgMiniDumpName's syntax): ours is literal.
        foreach (var argument in new[] { Environment.ProcessId.ToString(), "-f", path.Replace("%", "%%", StringComparison.Ordinal), Option(type) })
            start.ArgumentList.Add(argument);
        using var child = Process.Start(start) ?? throw new InvalidOperationException($"{createdump} did not start.");
        child.StandardInput.Close();
        // createdump says a few hundred bytes, far below a pipe's capacity, so reading after it ends cannot deadlock.
        // Synchronous reads on purpose: an asynchronous pipe read would start the runtime's socket engine thread for good.
        while (!child.WaitForExit(100))
        {
            if (cancellationToken.IsCancellationRequested)
            {
                try { child.Kill(); } catch (InvalidOperationException) { }
                child.WaitForExit();
                TryDelete(path);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        string said = (child.StandardOutput.ReadToEnd() + child.StandardError.ReadToEnd()).Trim();
        if (child.ExitCode == 0 && File.Exists(path))
            return;
        TryDelete(path);
        throw new InvalidOperationException(Explain(said, path) + $" (createdump exit status {child.ExitCode}: {LastLines(said)})");
    }

    /// <summary>The cause and the fix, from what createdump said.</summary>
    private static string Explain(string said, string path)
    {
        // First: createdump's access failures also say "Permission denied", which must not read as an unwritable file.
        if (said.Contains("ptrace", StringComparison.OrdinalIgnoreCase) || said.Contains("Operation not permitted", StringComparison.Ordinal) ||
            said.Contains("does not have permissions or access", StringComparison.OrdinalIgnoreCase) || said.Contains("/mem)", StringComparison.Ordinal))
            return "createdump may not read the process's memory (ptrace refused: the process is not dumpable after prctl(PR_SET_DUMPABLE, 0) " +
                "or a setuid/capability change, or seccomp, Yama or a container without CAP_SYS_PTRACE forbid it): keep the process dumpable, " +
                "or allow ptrace (docker run --cap-add=SYS_PTRACE, a seccomp profile that allows ptrace, kernel.yama.ptrace_scope<=1).";
        if (said.Contains("No space", StringComparison.OrdinalIgnoreCase))
            return $"no space left for the dump {path}: free space or configure another directory.";
        if (said.Contains("Permission denied", StringComparison.OrdinalIgnoreCase) || said.Contains("Read-only", StringComparison.OrdinalIgnoreCase) ||
            said.Contains("Could not create output file", StringComparison.OrdinalIgnoreCase))
            return $"createdump could not write {path} (read-only or not writable by this user): configure a writable directory.";
        return "createdump failed";
    }

    private static string LastLines(string said)
    {
        var lines = said.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join(" / ", lines.TakeLast(3));
    }

    /// <summary>Refuses when the file system of <paramref name="directory"/> has less than <paramref name="minimumFreeBytes"/> free.</summary>
    internal static void CheckRoom(string directory, long minimumFreeBytes)
    {
        long free;
        try
        {
            free = new DriveInfo(Path.GetFullPath(directory)).AvailableFreeSpace;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return; // unknown: let the write itself tell
        }
        if (free < minimumFreeBytes)
            throw new InvalidOperationException($"no space for a dump in {directory}: {free >> 20} MB free, {minimumFreeBytes >> 20} MB needed at least: " +
                "free space or configure another directory.");
    }

    internal static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>kernel.yama.ptrace_scope, or 0 without Yama.</summary>
    private static int YamaPtraceScope()
    {
        try { return int.Parse(File.ReadAllText("/proc/sys/kernel/yama/ptrace_scope").Trim()); }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException) { return 0; }
    }

    private const int PrSetPtracer = 0x59616d61;
    private const nint PrSetPtracerAny = -1;

    // prctl(2) from the C library; not part of our own API, so no binding of ours has it.
    [DllImport("libc", EntryPoint = "prctl", SetLastError = true)]
    private static extern int Prctl(int option, nint arg2, nint arg3, nint arg4, nint arg5);
}
