using System.Diagnostics;
using NUnit.Framework;

namespace Signals.Tests.Hosting;

/// <summary>
/// Issue 13, item 1: where the shutdown deadline comes from, per-action sender policies, the second-signal option.
/// tests/Signals.Hosting.TestApp as a child process, driven by real signals.
/// </summary>
[TestFixture, NonParallelizable]
public class GenericHostOptionsTests : HostAppFixture
{

    private static string Sender => $"from pid {Environment.ProcessId} uid {SignalSender.UserId} (verified True)";

    /// <summary>An untouched host (HostOptions.ShutdownTimeout at .NET's 30 s) gets 8 s: below Docker's 10 s grace.</summary>
    [Test]
    public void DeadlineDefaultsToEightSeconds()
    {
        using var host = HostChildProcess.Start(WorkDirectory, "--config", ConfigFile, "--host-shutdown-timeout-ms", "30000");
        host.Send(Signal.SIGTERM);

        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
        Assert.That(host.Lines, Has.One.Contains($"Received SIGTERM {Sender}: stopping the application (deadline 00:00:08, from default)."), host.Transcript);
    }

    /// <summary>Signals:ShutdownDeadline in configuration is the deadline, and a hanging shutdown ends by SIGTERM when it passes.</summary>
    [Test]
    public void DeadlineComesFromConfiguration()
    {
        File.WriteAllText(ConfigFile, """{ "Greeting": "hello", "Signals": { "ShutdownDeadline": "00:00:02" } }""");
        using var host = HostChildProcess.Start(WorkDirectory, "--config", ConfigFile, "--hang-on-stop");
        var sinceSignal = Stopwatch.StartNew();
        host.Send(Signal.SIGTERM);

        Assert.That(host.WaitForExit(), Is.EqualTo(143), host.Transcript);
        Assert.That(sinceSignal.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(2)));
        Assert.That(host.Lines, Has.One.Contains($"Received SIGTERM {Sender}: stopping the application (deadline 00:00:02, from Signals:ShutdownDeadline)."), host.Transcript);
        Assert.That(host.Lines, Has.One.Contains("shutdown did not finish within 00:00:02 of SIGTERM"), host.Transcript);
    }

    /// <summary>
    /// Issue 20: a deadline longer than Thread.Sleep's 24.8 days is accepted at start, so it must work: the first
    /// SIGTERM stops the host cleanly (it used to abort the process, status 134, from the deadline's thread).
    /// </summary>
    [Test]
    public void DeadlineAboveTwentyFiveDaysWorks()
    {
        File.WriteAllText(ConfigFile, """{ "Greeting": "hello", "Signals": { "ShutdownDeadline": "30.00:00:00" } }""");
        using var host = HostChildProcess.Start(WorkDirectory, "--config", ConfigFile);
        host.Send(Signal.SIGTERM);

        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
        Assert.That(host.Lines, Has.One.Contains($"Received SIGTERM {Sender}: stopping the application (deadline 30.00:00:00, from Signals:ShutdownDeadline)."), host.Transcript);
        Assert.That(host.Lines, Has.One.EqualTo("host-run returned"), host.Transcript);
    }

    /// <summary>A HostOptions.ShutdownTimeout set on purpose (not .NET's 30 s) is the deadline when configuration has none.</summary>
    [Test]
    public void DeadlineFollowsAnExplicitHostShutdownTimeout()
    {
        using var host = HostChildProcess.Start(WorkDirectory, "--config", ConfigFile, "--host-shutdown-timeout-ms", "3000");
        host.Send(Signal.SIGTERM);

        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
        Assert.That(host.Lines, Has.One.Contains($"Received SIGTERM {Sender}: stopping the application (deadline 00:00:03, from HostOptions.ShutdownTimeout)."), host.Transcript);
    }

    /// <summary>The reload policy admits only the listed uids: our SIGHUP is logged as rejected and nothing reloads; the listed uid reloads.</summary>
    [TestCase(false)]
    [TestCase(true)]
    public void ReloadPolicyAdmitsOnlyTheListedUids(bool listed)
    {
        uint allowed = listed ? SignalSender.UserId : SignalSender.UserId + 4242;
        using var host = HostChildProcess.Start(WorkDirectory, "--config", ConfigFile, "--reload-uids", allowed.ToString());
        File.WriteAllText(ConfigFile, """{ "Greeting": "bonjour" }""");
        host.Send(Signal.SIGHUP);

        if (listed)
        {
            host.WaitForLine(line => line.StartsWith("reloaded ", StringComparison.Ordinal), "the reload");
            Assert.That(host.Lines, Has.One.Contains($"Received SIGHUP {Sender}: configuration reloaded."), host.Transcript);
        }
        else
        {
            host.WaitForLine(line => line.Contains("Rejected SIGHUP"), "the rejection");
            Assert.That(host.Lines, Has.One.Contains($"Rejected SIGHUP {Sender}: the reload sender policy does not allow this sender."), host.Transcript);
        }
        host.Send(Signal.SIGTERM);
        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
        Assert.That(host.Lines.Any(line => line.StartsWith("reloaded ", StringComparison.Ordinal)), Is.EqualTo(listed), host.Transcript);
        // Rejections go through ILogger (stdout here), never straight to stderr.
        Assert.That(host.Lines, Has.None.StartsWith("stderr: "), host.Transcript);
    }

    /// <summary>
    /// Verified senders only for stop: a SIGTERM sent with sigqueue (whose pid and uid the sender writes itself) is
    /// rejected and the host keeps running; the same signal sent with kill stops it.
    /// </summary>
    [Test]
    public void StopPolicyRejectsAnUnverifiedSender()
    {
        using var host = HostChildProcess.Start(WorkDirectory, "--config", ConfigFile, "--stop-verified-only");
        SignalSender.Queue(host.Pid, Signal.SIGTERM, 7);
        host.WaitForLine(line => line.Contains("Rejected SIGTERM"), "the rejection");
        Assert.That(host.Lines, Has.One.Contains(
            $"Rejected SIGTERM from pid {Environment.ProcessId} uid {SignalSender.UserId} (verified False): the stop sender policy does not allow this sender."), host.Transcript);
        Assert.That(host.HasExited, Is.False, host.Transcript);

        host.Send(Signal.SIGTERM);
        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
        Assert.That(host.Lines, Has.One.Contains($"Received SIGTERM {Sender}: stopping the application"), host.Transcript);
        Assert.That(host.Lines, Has.None.StartsWith("stderr: "), host.Transcript);
    }

    /// <summary>The diagnostics policy is its own: a pid list without ours rejects our SIGUSR1.</summary>
    [Test]
    public void DiagnosticsPolicyRejectsAnUnlistedPid()
    {
        using var host = HostChildProcess.Start(WorkDirectory, "--config", ConfigFile, "--diagnostics-pids", "1");
        host.Send(Signal.SIGUSR1);
        host.WaitForLine(line => line.Contains("Rejected SIGUSR1"), "the rejection");
        Assert.That(host.Lines, Has.One.Contains($"Rejected SIGUSR1 {Sender}: the diagnostics sender policy does not allow this sender."), host.Transcript);

        host.Send(Signal.SIGTERM);
        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
        Assert.That(host.Lines, Has.None.Contains("Diagnostics snapshot"), host.Transcript);
    }

    /// <summary>SecondSignal = KeepWaiting: a second SIGTERM is logged and the process still ends only at the deadline.</summary>
    [Test]
    public void SecondSignalCanKeepWaitingForTheDeadline()
    {
        const int deadlineMs = 4000;
        using var host = HostChildProcess.Start(WorkDirectory, "--config", ConfigFile, "--hang-on-stop",
            "--deadline-ms", deadlineMs.ToString(), "--second-signal", "KeepWaiting");
        var sinceSignal = Stopwatch.StartNew();
        host.Send(Signal.SIGTERM);
        host.WaitForLine(line => line == "stop-async hanging", "StopAsync starting");
        host.Send(Signal.SIGTERM);
        host.WaitForLine(line => line.Contains("again during shutdown"), "the second SIGTERM logged");

        Assert.That(host.WaitForExit(), Is.EqualTo(143), host.Transcript);
        Assert.That(sinceSignal.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(deadlineMs)));
        Assert.That(host.Lines, Has.One.Contains($"Received SIGTERM {Sender} again during shutdown: keeping to the deadline (00:00:04)."), host.Transcript);
        Assert.That(host.Lines, Has.None.Contains("SIGTERM received twice"), host.Transcript);
        Assert.That(host.Lines, Has.One.Contains("shutdown did not finish within 00:00:04 of SIGTERM"), host.Transcript);
    }
}
