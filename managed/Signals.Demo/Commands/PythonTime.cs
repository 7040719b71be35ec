using System.Globalization;

namespace Signals.Demo.Commands;

/// <summary>Python's <c>time.ctime()</c>, so transcripts read like the seed's: <c>Fri Mar 14 14:11:30 2025</c>.</summary>
public static class PythonTime
{
    /// <summary>The local time now in C's asctime layout (day of month padded with a space to two characters).</summary>
    public static string CTime()
    {
        var now = DateTime.Now;
        return string.Create(CultureInfo.InvariantCulture, $"{now:ddd MMM} {now.Day,2} {now:HH:mm:ss yyyy}");
    }
}
