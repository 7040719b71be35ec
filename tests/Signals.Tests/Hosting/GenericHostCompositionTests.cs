using System.Diagnostics;
using NUnit.Framework;

namespace Signals.Tests.Hosting;

/// <summary>
/// AddSignals where a real service meets its surroundings (issue 10): an output pipe nobody reads during a hung
/// shutdown, and SIGINT ignored by the parent (a background job). tests/Signals.Hosting.TestApp as a child process.
/// </summary>
[TestFixture, NonParallelizable]
public class GenericHostCompositionTests : HostAppFixture
{

    /// <summary>
    /// Item 14: the watchdog used to log and flush before ending the process, and a full stdout/stderr blocked it
    /// for good. Here stdout, stderr and the console logger are flooded into pipes nobody reads, and the shutdown
    /// hangs: SIGTERM must still end the process by SIGTERM (143) soon after the deadline.
    /// </summary>
    [Test]
    public void WatchdogEndsTheProcessEvenWhenItsOutputPipesAreFull()
    {
        const int deadlineMs = 2000;
        string markers = Path.Combine(WorkDirectory, "markers");
        using var host = HostChildProcess.StartUnread(WorkDirectory, markers, "--config", ConfigFile, "--hang-on-stop",
            "--flood-output", "--deadline-ms", deadlineMs.ToString());
        var sinceSignal = Stopwatch.StartNew();
        host.Send(Signal.SIGTERM);

        Assert.That(host.WaitForExit(), Is.EqualTo(143), File.ReadAllText(markers));
        Assert.That(sinceSignal.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(deadlineMs)));
        Assert.That(File.ReadAllText(markers), Does.Not.Contain("stop-async ran"));
    }

    /// <summary>
    /// Item 18: a host started with SIGINT ignored (as a shell starts a background job) keeps ignoring it, as the
    /// runtime and Python do; SIGTERM still stops it cleanly. SIGINT sent to an ignoring process is discarded when
    /// sent, and the SIGUSR1 that follows is a later delivery than any SIGINT: a handled SIGINT would have been
    /// dispatched first, and the diagnostics snapshot would say "stopping" instead of "started".
    /// </summary>
    [Test]
    public void InheritedIgnoredSigintStaysIgnoredAndSigtermStillStops()
    {
        using var host = HostChildProcess.StartWith("--ignore-signal=INT", WorkDirectory, "--config", ConfigFile);
        const ulong sigint = 1UL << (2 - 1);
        Assert.That(host.IgnoredSignals() & sigint, Is.EqualTo(sigint), "SIGINT is no longer ignored after the host started");
        host.WaitForLine(line => line.Contains("Signals: SIGINT is ignored (inherited from the parent process"), "the line saying SIGINT stays ignored");

        host.Send(Signal.SIGINT);
        host.Send(Signal.SIGUSR1);
        string snapshot = host.WaitForLine(line => line.Contains("Diagnostics snapshot (SIGUSR1"), "the diagnostics for SIGUSR1");
        Assert.That(snapshot, Does.Contain(" started, pid "), host.Transcript);
        Assert.That(host.HasExited, Is.False, host.Transcript);
        Assert.That(host.IgnoredSignals() & sigint, Is.EqualTo(sigint), "SIGINT is no longer ignored");

        host.Send(Signal.SIGTERM);
        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
        Assert.That(host.Lines, Has.One.Contains($"Received SIGTERM from pid {Environment.ProcessId} uid {SignalSender.UserId} (verified True): stopping the application"), host.Transcript);
        Assert.That(host.Lines, Has.None.Contains("Received SIGINT"), host.Transcript);
        Assert.That(host.Lines, Has.One.EqualTo("stop-async ran"), host.Transcript);
    }
}
