using System.Globalization;

namespace Signals.Demo.Serve;

/// <summary>
/// The service's log: one line per event on stdout, prefixed with the local time of day. Console.Out
/// flushes every write (the .NET default), so a reader on the other end of a pipe sees each line at once.
/// </summary>
public static class ServiceLog
{
    /// <summary>Writes one timestamped line.</summary>
    public static void Write(string message) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTime.Now:HH:mm:ss.fff} {message}"));
}
