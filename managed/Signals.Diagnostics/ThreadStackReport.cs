using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Signals.Diagnostics;

/// <summary>
/// The thread-stacks report: a header (pid, time, uptime, thread counts, why) and one block per managed thread.
/// The stacks come from a dump of this process (<see cref="SelfDump"/>, Mini type, in the temporary directory, removed
/// afterwards) read with ClrMD (<see cref="ClrMdStacks"/>); docs/design.md, "Thread stacks and dumps", has the
/// measurements behind this route. Under NativeAOT there is neither createdump nor a DAC: the report then lists the
/// OS threads (from /proc) and says why there are no managed stacks.
/// </summary>
internal static class ThreadStackReport
{
    private static readonly DateTime ProcessStart = ReadProcessStart();

    /// <summary>Room the temporary Mini dump needs (about 11 MB measured), with a margin.</summary>
    private const long MinimumFreeBytes = 64L << 20;

    internal static void Write(TextWriter writer, string reason, CancellationToken cancellationToken)
    {
        var taken = Stopwatch.StartNew();
        var osThreads = NativeThreads.List();
        if (!RuntimeFeature.IsDynamicCodeSupported)
        {
            WriteHeader(writer, reason, managed: null, osThreads.Count, "");
            writer.WriteLine("  No managed stacks under NativeAOT: .NET 10 ships neither createdump nor the DAC for it. The OS threads:");
            foreach (var thread in osThreads)
                writer.WriteLine($"  Thread {thread.Id} \"{thread.Name}\" state {thread.State}");
            return;
        }
        WriteManaged(writer, reason, osThreads, taken, cancellationToken);
    }

    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Reached only when dynamic code is supported (RuntimeFeature.IsDynamicCodeSupported): never under NativeAOT.")]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "ClrMD is not trimmable; this package is not marked trimmable either.")]
    private static void WriteManaged(TextWriter writer, string reason, IReadOnlyList<NativeThreads.Entry> osThreads, Stopwatch taken, CancellationToken cancellationToken)
    {
        SweepStale(Path.GetTempPath());
        string path = Path.Combine(Path.GetTempPath(), $"{StackDumpPrefix}{Environment.ProcessId}-{DateTime.UtcNow:yyyyMMddTHHmmssfff}.dmp");
        try
        {
            try
            {
                SelfDump.Write(path, DumpType.Mini, MinimumFreeBytes, cancellationToken);
            }
            catch (InvalidOperationException exception) when (exception.Message.Contains("could not write", StringComparison.Ordinal) ||
                                                                exception.Message.Contains("no space", StringComparison.Ordinal) ||
                                                                exception.Message.Contains("could not write", StringComparison.Ordinal) ||
                                                                exception.Message.Contains("does not exist", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{exception.Message} The thread stacks write a dump of about 11 MB to the temporary directory " +
                    $"({Path.GetTempPath()}; TMPDIR picks another) and remove it at once.", exception);
            }
            long dumpMs = taken.ElapsedMilliseconds;
            long dumpBytes = new FileInfo(path).Length;
            cancellationToken.ThrowIfCancellationRequested();
            var threads = ClrMdStacks.Read(path, osThreads);
            int pool = threads.Count(t => t.IsThreadPool), finalizer = threads.Count(t => t.IsFinalizer);
            WriteHeader(writer, reason, threads, osThreads.Count,
                $"; captured in {taken.ElapsedMilliseconds} ms (dump {dumpMs} ms, {dumpBytes >> 20} MB, removed)");
            foreach (var thread in threads)
            {
                writer.WriteLine();
                writer.WriteLine(thread.Title);
                if (thread.Lock is not null)
                    writer.WriteLine($"    {thread.Lock}");
                foreach (var frame in thread.Frames)
                    writer.WriteLine($"    at {frame}");
                if (thread.Frames.Count == 0)
                    writer.WriteLine(thread.Title.Contains("writing this report", StringComparison.Ordinal) ? "    (frames left out)" : "    (no managed frames)");
            }
        }
        finally
        {
            SelfDump.TryDelete(path);
        }
    }

    private const string StackDumpPrefix = "signals-stacks-";

    /// <summary>
    /// Removes temporary dumps left by processes that ended while writing a report (a hung shutdown's capture is
    /// abandoned at the deadline, and the process ends before its cleanup runs): signals-stacks-PID-*.dmp whose PID is
    /// gone. Best effort: another user's files are not ours to remove and stay.
    /// </summary>
    private static void SweepStale(string directory)
    {
        try
        {
            foreach (var file in Directory.EnumerateFiles(directory, StackDumpPrefix + "*.dmp"))
            {
                var parts = Path.GetFileName(file)[StackDumpPrefix.Length..].Split('-');
                if (parts.Length == 2 && int.TryParse(parts[0], out int pid) && pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}"))
                    SelfDump.TryDelete(file);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static void WriteHeader(TextWriter writer, string reason, IReadOnlyList<ManagedThread>? managed, int osThreads, string tail)
    {
        var now = DateTime.UtcNow;
        string counts = managed is null ? $"{osThreads} OS threads"
            : $"{managed.Count} managed threads ({managed.Count(t => t.IsThreadPool)} thread-pool, {managed.Count(t => t.IsFinalizer)} finalizer), {osThreads} OS threads";
        writer.WriteLine($"Thread stacks of pid {Environment.ProcessId} ({Process.GetCurrentProcess().ProcessName}) at {now:yyyy-MM-ddTHH:mm:ss.fffZ}, " +
            $"uptime {(now - ProcessStart):d\\.hh\\:mm\\:ss}; {counts}; {reason}{tail}.");
    }

    private static DateTime ReadProcessStart()
    {
        using var process = Process.GetCurrentProcess();
        return process.StartTime.ToUniversalTime();
    }
}
