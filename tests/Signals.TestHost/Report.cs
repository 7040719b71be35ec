using Microsoft.Win32.SafeHandles;

namespace Signals.TestHost;

/// <summary>
/// The line protocol the tests read. Writes straight to file descriptor 1 instead of through
/// <see cref="Console"/>: touching Console can make System.Native install its signal handlers, and some
/// scenarios must control exactly when that happens.
/// </summary>
internal static class Report
{
    private static readonly StreamWriter Out = new(OpenStandardOutput()) { AutoFlush = true };

    private static readonly object Gate = new();

    // When stdout is a regular file FileStream keeps its own position from 0: start at the end instead.
    private static FileStream OpenStandardOutput()
    {
        var stream = new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, 1);
        if (stream.CanSeek)
            stream.Seek(0, SeekOrigin.End);
        return stream;
    }

    /// <summary>Writes one line, e.g. "READY" or "EVENT SIGUSR1 pid=12 uid=0".</summary>
    public static void Line(string line)
    {
        lock (Gate)
            Out.WriteLine(line);
    }

    /// <summary>Reports a failed expectation as a "FAIL why" line and returns <paramref name="exitCode"/>.</summary>
    public static int Fail(string why, int exitCode = ExitCodes.Failed)
    {
        Line("FAIL " + why);
        return exitCode;
    }
}
