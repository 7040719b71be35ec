using System.Globalization;

namespace Signals.Demo.Serve;

/// <summary>
/// The service's log: one line per event on stdout, prefixed with the local time of day. <see cref="Write"/> never
/// waits on stdout: it puts the line in a bounded queue that a thread of its own ("serve log writer") writes out.
/// Stdout can fail (ENOSPC on a full disk, <c>&gt; /dev/full</c>) or block for good (a pipe whose reader stalled); a
/// caller that wrote to it directly would throw or hang, and when that caller is the signal dispatcher, a SIGTERM is
/// swallowed or never acted on. So: a full queue drops the line and counts it, a failed write counts it too, and the
/// count is reported in the log once lines go out again. Console.Out flushes every write (the .NET default), so a
/// reader on the other end of a pipe sees each line at once.
/// </summary>
public static class ServiceLog
{
    /// <summary>Lines waiting for the writer at most; more are dropped (and counted).</summary>
    public const int Capacity = 1000;

    private static readonly Queue<string> Pending = new();
    private static long _dropped;
    private static long _failed;
    private static bool _writing; // guarded by Pending: a line taken from the queue and not yet written

    /// <summary>Lines dropped so far because the queue was full.</summary>
    public static long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Lines whose write to stdout failed so far.</summary>
    public static long Failed => Interlocked.Read(ref _failed);

    /// <summary>Queues one timestamped line; never blocks on stdout.</summary>
    public static void Write(string message)
    {
        string line = string.Create(CultureInfo.InvariantCulture, $"{DateTime.Now:HH:mm:ss.fff} {message}");
        lock (Pending)
        {
            if (Pending.Count >= Capacity)
            {
                Interlocked.Increment(ref _dropped);
                return;
            }
            Pending.Enqueue(line);
            Monitor.PulseAll(Pending); // the writer, and any Flush

        }
    }

    /// <summary>
    /// Waits until every queued line is written, or <paramref name="patience"/> passes (stdout may be stalled for
    /// good). Returns whether all went out.
    /// </summary>
    public static bool Flush(TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        lock (Pending)
        {
            while (Pending.Count > 0 || _writing)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !Monitor.Wait(Pending, left))
                    return Pending.Count == 0 && !_writing;
            }
            return true;
        }
    }

    static ServiceLog() => new Thread(WriteLoop) { Name = "serve log writer", IsBackground = true }.Start();

    private static void WriteLoop()
    {
        long reported = 0;
        while (true)
        {
            string line;
            lock (Pending)
            {
                while (Pending.Count == 0)
                    Monitor.Wait(Pending);
                line = Pending.Dequeue();
                _writing = true;
            }
            long lost = Dropped + Failed;
            if (lost > reported && TryWriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{DateTime.Now:HH:mm:ss.fff} log: {lost - reported} line(s) lost (queue full or stdout failing)")))
                reported = lost;
            if (!TryWriteLine(line))
                Interlocked.Increment(ref _failed);
            lock (Pending)
            {
                _writing = false;
                Monitor.PulseAll(Pending); // wakes Flush
            }
        }
    }

    private static bool TryWriteLine(string line)
    {
        try
        {
            Console.Out.WriteLine(line);
            return true;
        }
        catch (IOException)
        {
            return false; // ENOSPC, EIO...: the line is lost, the service goes on
        }
    }
}
