namespace Signals.Diagnostics;

/// <summary>The process's OS threads from /proc/self/task: id, name (comm, at most 15 bytes) and scheduler state.</summary>
internal static class NativeThreads
{
    internal readonly record struct Entry(int Id, string Name, string State);

    internal static IReadOnlyList<Entry> List()
    {
        var threads = new List<Entry>();
        foreach (var directory in Directory.EnumerateDirectories("/proc/self/task"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out int id))
                continue;
            try
            {
                string name = File.ReadAllText(Path.Combine(directory, "comm")).TrimEnd('\n');
                // stat: "tid (comm) S ..."; comm may hold spaces and parentheses, so the state follows the last ')'.
                string stat = File.ReadAllText(Path.Combine(directory, "stat"));
                int close = stat.LastIndexOf(')');
                string state = close > 0 && close + 2 < stat.Length ? stat.Substring(close + 2, 1) : "?";
                threads.Add(new Entry(id, name, state));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // The thread ended while we looked.
            }
        }
        threads.Sort((a, b) => a.Id.CompareTo(b.Id));
        return threads;
    }
}
