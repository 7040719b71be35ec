using System.Runtime.CompilerServices;

namespace Signals.Dispatch;

/// <summary>
/// The one way the library writes a report to standard error. Nothing about stderr may end the thread that reports
/// (the dispatcher, and with it the process): a write that fails (ENOSPC, /dev/full, a closed descriptor, EAGAIN on
/// a non-blocking one) or a console that cannot even be loaded (out of descriptors) loses the line, which is counted.
/// </summary>
internal static class StandardErrorReport
{
    private static long _lostLines;

    /// <summary>Report lines that could not be written.</summary>
    internal static long LostLines => Interlocked.Read(ref _lostLines);

    /// <summary>
    /// Writes "Signals: <paramref name="text"/>", followed by <paramref name="exception"/> when there is one; never
    /// throws. The line is put together here, inside the guard: an exception's text can fail too (its stack trace
    /// loads the assembly that reads the symbols).
    /// </summary>
    internal static void Write(string text, Exception? exception = null)
    {
        try
        {
            WriteLine(exception is null ? "Signals: " + text : "Signals: " + text + " " + exception);
        }
        catch (Exception)
        {
            Interlocked.Increment(ref _lostLines);
        }
    }

    // Apart and never inlined: when System.Console cannot be loaded, that failure is raised at this call, inside the
    // guard above, rather than when the JIT compiles the caller.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void WriteLine(string line) => Console.Error.WriteLine(line);
}
