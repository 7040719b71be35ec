using System.Diagnostics;
using System.Globalization;

namespace Signals.TestHost.Support;

/// <summary>What /proc says about this process: thread masks, pipe ends.</summary>
internal static class ProcFs
{

    /// <summary>The SigBlk field (blocked signals, hex) of a status file.</summary>
    public static string BlockedMask(string statusPath) => Field(File.ReadAllText(statusPath), "SigBlk");

    /// <summary>(thread id, name, SigBlk) of every thread of this process.</summary>
    public static List<(string Tid, string Name, string Blocked)> Threads()
    {
        var threads = new List<(string, string, string)>();
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            string status;
            try { status = File.ReadAllText(Path.Combine(task, "status")); }
            catch (IOException) { continue; } // the thread ended meanwhile
            threads.Add((Path.GetFileName(task), Field(status, "Name"), Field(status, "SigBlk")));
        }
        return threads;
    }

    /// <summary>
    /// Runs <c>grep SigBlk /proc/self/status</c> directly (not through a shell, which would reset its mask) and
    /// returns the mask the child started with.
    /// </summary>
    public static string ChildBlockedMask()
    {
        var start = new ProcessStartInfo("grep") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("SigBlk");
        start.ArgumentList.Add("/proc/self/status");
        using var child = Process.Start(start)!;
        string output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        return Field(output, "SigBlk");
    }

    /// <summary>File descriptors of this process that are a pipe or a socket (what a wake channel can be).</summary>
    public static HashSet<int> PipesAndSockets()
    {
        var found = new HashSet<int>();
        foreach (var entry in Directory.GetFileSystemEntries("/proc/self/fd"))
        {
            int fd = int.Parse(Path.GetFileName(entry), CultureInfo.InvariantCulture);
            try
            {
                if (new FileInfo(entry).LinkTarget is { } target &&
                    (target.StartsWith("pipe:", StringComparison.Ordinal) || target.StartsWith("socket:", StringComparison.Ordinal)))
                    found.Add(fd);
            }
            catch (IOException)
            {
                // closed meanwhile (e.g. the descriptor that listed the directory)
            }
        }
        return found;
    }

    private static string Field(string text, string name)
    {
        foreach (var line in text.Split('\n'))
            if (line.StartsWith(name + ":", StringComparison.Ordinal))
                return line[(name.Length + 1)..].Trim();
        throw new InvalidDataException($"no {name} field in: {text}");
    }
}
