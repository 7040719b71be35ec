using System.Globalization;

namespace Signals.Stress.Infrastructure;

/// <summary>Reading /proc: which files a process holds open, with which flags, and a process's state.</summary>
internal static class ProcFs
{
    private const int OCloexec = 0x80000; // 02000000 octal, as /proc/<pid>/fdinfo prints flags in octal

    /// <summary>fd number → link target ("pipe:[123]", "socket:[456]", a path) of a process.</summary>
    public static Dictionary<int, string> Descriptors(int pid)
    {
        var result = new Dictionary<int, string>();
        try
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
            {
                try
                {
                    string? target = new FileInfo(entry).LinkTarget;
                    if (target is not null && int.TryParse(Path.GetFileName(entry), out int fd))
                        result[fd] = target;
                }
                catch (IOException) { } // closed while we looked
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException) { } // gone, or not ours to read
        return result;
    }

    /// <summary>Whether the descriptor is close-on-exec, from /proc/&lt;pid&gt;/fdinfo.</summary>
    public static bool IsCloseOnExec(int pid, int fd)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/fdinfo/{fd}"))
            if (line.StartsWith("flags:", StringComparison.Ordinal))
                return (Convert.ToInt32(line[6..].Trim(), 8) & OCloexec) != 0;
        return false;
    }

    /// <summary>Every process id visible in /proc.</summary>
    public static IEnumerable<int> Processes() =>
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Select(name => int.TryParse(name, out int pid) ? pid : 0).Where(pid => pid > 0);

    /// <summary>(state letter, parent pid) from /proc/&lt;pid&gt;/stat, or null when the process is gone.</summary>
    public static (char State, int ParentPid)? State(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (fields[0][0], int.Parse(fields[1], CultureInfo.InvariantCulture));
        }
        catch (IOException)
        {
            return null;
        }
    }
}
