using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Signals.Tests.Hosting;

/// <summary>
/// Issue 20: anyone allowed to signal the process must not be able to make it reload or write snapshots without
/// bound (10,000 SIGUSR1 in 0.08 s wrote 380 snapshots). A flood of signals runs the action once per interval; the
/// rest are counted and logged once. tests/Signals.Hosting.TestApp as a child process, driven by real signals.
/// </summary>
[TestFixture, NonParallelizable]
public class GenericHostRateLimitTests : HostAppFixture
{
    /// <summary>Long enough that the whole flood (at most 2 s of sending) falls inside the first interval, even on a loaded machine.</summary>
    private const int IntervalMs = 10_000;

    private static readonly Regex NotRun = new(@"Signals: (\d+) more (SIG\w+) (\w+) request\(s\) were not run: at most one runs at a time, and at most one per 00:00:10");

    [Test]
    public void DiagnosticsFloodWritesOneSnapshotAndOneReport()
    {
        using var host = HostChildProcess.Start(WorkDirectory, "--config", ConfigFile, "--diagnostics-interval-ms", IntervalMs.ToString());
        int sent = Flood(host, Signal.SIGUSR1);
        string report = host.WaitForLine(NotRun.IsMatch, "the report of the requests not run");

        var match = NotRun.Match(report);
        Assert.That((match.Groups[2].Value, match.Groups[3].Value), Is.EqualTo(("SIGUSR1", "diagnostics")), report);
        Assert.That(long.Parse(match.Groups[1].Value), Is.InRange(1, sent - 1), report);
        host.Send(Signal.SIGTERM);
        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
        Assert.That(host.Lines.Count(line => line.Contains("Diagnostics snapshot (SIGUSR1")), Is.EqualTo(1), host.Transcript);
        Assert.That(host.Lines.Count(NotRun.IsMatch), Is.EqualTo(1), host.Transcript);
    }

    /// <summary>
    /// A SIGHUP flood after a reload: no reload during the interval, then one report and one more reload that reads the
    /// file's last state. Two reloads in all.
    /// </summary>
    [Test]
    public void ReloadFloodReloadsOnceMoreAtTheEndOfTheInterval()
    {
        using var host = HostChildProcess.Start(WorkDirectory, "--config", ConfigFile, "--reload-interval-ms", IntervalMs.ToString());
        File.WriteAllText(ConfigFile, """{ "Greeting": "one" }""");
        host.Send(Signal.SIGHUP);
        host.WaitForLine(line => line.StartsWith("reloaded Greeting=one", StringComparison.Ordinal), "the first reload");
        File.WriteAllText(ConfigFile, """{ "Greeting": "two" }""");
        Flood(host, Signal.SIGHUP);
        host.WaitForLine(line => line.StartsWith("reloaded Greeting=two", StringComparison.Ordinal), "the reload at the end of the interval");

        Assert.That(host.Lines.Single(NotRun.IsMatch), Does.EndWith("; one more reload runs now for them."), host.Transcript);
        host.Send(Signal.SIGTERM);
        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
        Assert.That(host.Lines.Where(line => line.StartsWith("reloaded ", StringComparison.Ordinal)).Select(line => line.Split(' ')[1]),
            Is.EqualTo(new[] { "Greeting=one", "Greeting=two" }), host.Transcript);
    }

    /// <summary>
    /// Sends <paramref name="signal"/> 200 times, 1 ms apart (so most are separate deliveries, not merged while
    /// pending), for at most 2 s; returns how many were sent.
    /// </summary>
    private static int Flood(HostChildProcess host, Signal signal)
    {
        var clock = Stopwatch.StartNew();
        int sent = 0;
        while (sent < 200 && clock.Elapsed < TimeSpan.FromSeconds(2))
        {
            host.Send(signal);
            sent++;
            Thread.Sleep(1);
        }
        return sent;
    }
}
