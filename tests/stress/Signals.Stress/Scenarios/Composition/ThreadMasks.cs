using System.Globalization;

namespace Signals.Stress.Scenarios.Composition;

/// <summary>Blocked-signal masks (SigBlk) of this process's threads, from /proc.</summary>
internal static class ThreadMasks
{
    /// <summary>The thread name the dispatcher has in /proc (Linux keeps 15 characters of "Signals dispatcher").</summary>
    public const string DispatcherComm = "Signals dispatc";

    /// <summary>tid → (SigBlk, comm) for every thread alive now.</summary>
    public static Dictionary<int, (ulong Blocked, string Name)> All()
    {
        var result = new Dictionary<int, (ulong, string)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc/self/task"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out int tid))
                continue;
            try
            {
                ulong? blocked = Blocked(File.ReadAllText(Path.Combine(directory, "status")));
                string name = File.ReadAllText(Path.Combine(directory, "comm")).TrimEnd('\n');
                if (blocked is { } mask)
                    result[tid] = (mask, name);
            }
            catch (IOException) { } // the thread ended while we looked
        }
        return result;
    }

    /// <summary>The calling thread's SigBlk.</summary>
    public static ulong Current() => Blocked(File.ReadAllText("/proc/thread-self/status")) ?? ulong.MaxValue;

    /// <summary>The SigBlk value in a /proc status text (or the output of <c>grep SigBlk</c>).</summary>
    public static ulong? Blocked(string status)
    {
        foreach (var line in status.Split('\n'))
            if (line.StartsWith("SigBlk:", StringComparison.Ordinal))
                return ulong.Parse(line[7..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return null;
    }

    /// <summary>The name the library's waker thread has in /proc (native/src/waker.c).</summary>
    public const string WakerComm = "signals-waker";

    /// <summary>Names of the threads that are not the thread pool's (".NET TP Worker", ".NET TP Wait", ...), sorted.</summary>
    public static List<string> NamesOutsideThreadPool() =>
        All().Values.Select(t => t.Name).Where(name => !name.StartsWith(".NET TP ", StringComparison.Ordinal)).Order().ToList();

    public static int CountOutsideThreadPool() => NamesOutsideThreadPool().Count;

    /// <summary>
    /// The pipes, sockets and event fds open now (by target, e.g. "pipe:[123]"), without the standard streams'
    /// pipes and their duplicates, nor the runtime's epoll instance, created once on first use: assemblies that load later open files, but a leaked pipe is what a
    /// Shutdown that forgets something leaves behind.
    /// </summary>
    public static List<string> Descriptors()
    {
        var all = Infrastructure.ProcFs.Descriptors(Environment.ProcessId);
        var standard = new HashSet<string>(all.Where(fd => fd.Key <= 2).Select(fd => fd.Value));
        return all.Where(fd => !standard.Contains(fd.Value) && (fd.Value.StartsWith("pipe:", StringComparison.Ordinal) ||
                                                                fd.Value.StartsWith("socket:", StringComparison.Ordinal) ||
                                                                (fd.Value.StartsWith("anon_inode:", StringComparison.Ordinal) && fd.Value != "anon_inode:[eventpoll]")))
            .Select(fd => $"{fd.Key}->{fd.Value}").Order().ToList();
    }
}
