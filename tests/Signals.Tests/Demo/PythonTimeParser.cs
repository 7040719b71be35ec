using System.Globalization;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace Signals.Tests.Demo;

/// <summary>Reads the demo's Python-style ctime stamps ("Fri Mar 14 14:11:30 2025", day padded with a space).</summary>
internal static class PythonTimeParser
{
    /// <summary>A ctime stamp, exactly as C's asctime lays it out.</summary>
    public const string Pattern = @"[A-Z][a-z]{2} [A-Z][a-z]{2} [ 123]\d \d\d:\d\d:\d\d \d{4}";

    /// <summary>Parses a stamp that matches <see cref="Pattern"/>.</summary>
    public static DateTime Parse(string stamp)
    {
        Assert.That(stamp, Does.Match($"^{Pattern}$"), "ctime layout");
        string singleSpaced = Regex.Replace(stamp, " +", " ");
        return DateTime.ParseExact(singleSpaced, "ddd MMM d HH:mm:ss yyyy", CultureInfo.InvariantCulture);
    }
}
