using System.Diagnostics;
using NUnit.Framework;

namespace Signals.Tests.Hosting;

/// <summary>
/// AddSignals in a real Generic Host (tests/Signals.Hosting.TestApp, a child process), driven by real signals
/// sent with kill(2). Each test asserts what the host printed and how the process ended.
/// </summary>
[TestFixture, NonParallelizable]
public class GenericHostSignalTests : HostAppFixture
{

    [Test]
    public void HangupReloadsConfigurationAndRaisesTheEvent()
    {
        using var host = HostChildProcess.Start(WorkDirectory, "--config", ConfigFile);
        // The app loads the file with reloadOnChange: false, so only SIGHUP can make the change visible.
        File.WriteAllText(ConfigFile, """{ "Greeting": "bonjour" }""");
        host.Send(Signal.SIGHUP);

        string reloaded = host.WaitForLine(line => line.StartsWith("reloaded ", StringComparison.Ordinal), "the ConfigurationReloaded event");
        Assert.That(reloaded, Is.EqualTo($"reloaded Greeting=bonjour by pid {Environment.ProcessId}"));

        host.Send(Signal.SIGTERM);
        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
    }

    [TestCase("SIGTERM")]
    [TestCase("SIGINT")]
    public void TerminationStopsTheHostGracefully(string name)
    {
        var signal = Signal.Parse(name);
        using var host = HostChildProcess.Start(WorkDirectory, "--config", ConfigFile);
        host.Send(signal);

        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
        Assert.That(host.Lines, Has.One.EqualTo("stop-async ran"), host.Transcript);
        Assert.That(host.Lines, Has.One.EqualTo("host-run returned"), host.Transcript);
        Assert.That(host.Lines, Has.One.Contains($"Received {name} from pid {Environment.ProcessId} uid {SignalSender.UserId} (verified True): stopping the application"), host.Transcript);
        // Only our handler ran: the runtime's (ConsoleLifetime's) path for SIGTERM never saw the signal.
        Assert.That(host.Lines, Has.None.Contains("runtime-handler saw SIGTERM"), host.Transcript);
    }

    [TestCase("SIGTERM", 143)]
    [TestCase("SIGINT", 130)]
    public void HangingShutdownEndsByTheSignalAfterTheDeadline(string name, int expectedStatus)
    {
        const int deadlineMs = 2000;
        using var host = HostChildProcess.Start(WorkDirectory, "--config", ConfigFile, "--hang-on-stop", "--deadline-ms", deadlineMs.ToString());
        var sinceSignal = Stopwatch.StartNew();
        host.Send(Signal.Parse(name));
        host.WaitForLine(line => line == "stop-async hanging", "StopAsync starting");

        Assert.That(host.WaitForExit(), Is.EqualTo(expectedStatus), host.Transcript);
        // Not a speed check: a lower bound. Ending before the deadline would cut a graceful shutdown short.
        Assert.That(sinceSignal.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(deadlineMs)));
        Assert.That(host.Lines, Has.None.EqualTo("stop-async ran"), host.Transcript);
        Assert.That(host.Lines, Has.One.Contains($"shutdown did not finish within 00:00:02 of {name}"), host.Transcript);
    }

    [Test]
    public void SecondTerminationDuringAHangingShutdownEndsTheProcessAtOnce()
    {
        // A deadline far beyond HostChildProcess.Patience: only the second SIGTERM can end the child in time.
        using var host = HostChildProcess.Start(WorkDirectory, "--config", ConfigFile, "--hang-on-stop", "--deadline-ms", "600000");
        host.Send(Signal.SIGTERM);
        host.WaitForLine(line => line == "stop-async hanging", "StopAsync starting");
        host.Send(Signal.SIGTERM);

        Assert.That(host.WaitForExit(), Is.EqualTo(143), host.Transcript);
        Assert.That(host.Lines, Has.One.Contains("SIGTERM received twice"), host.Transcript);
    }

    [Test]
    public void User1LogsADiagnosticsSnapshot()
    {
        using var host = HostChildProcess.Start(WorkDirectory, "--config", ConfigFile);
        host.Send(Signal.SIGUSR1);

        string snapshot = host.WaitForLine(line => line.Contains("Diagnostics snapshot"), "the diagnostics log line");
        Assert.That(snapshot, Does.StartWith("info: Signals.Hosting.SignalHostingService"));
        Assert.That(snapshot, Does.Contain($"(SIGUSR1 from pid {Environment.ProcessId} uid {SignalSender.UserId}, verified True)"));
        Assert.That(snapshot, Does.Contain($"started, pid {host.Pid},"));
        Assert.That(snapshot, Does.Match(@"GC gen0/1/2 \d+/\d+/\d+, threads \d+"));

        host.Send(Signal.SIGTERM);
        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
    }

    [Test]
    public void TerminationCanBeLeftToConsoleLifetime()
    {
        using var host = HostChildProcess.Start(WorkDirectory, "--config", ConfigFile, "--leave-termination-to-console-lifetime");
        host.Send(Signal.SIGTERM);

        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
        Assert.That(host.Lines, Has.One.EqualTo("runtime-handler saw SIGTERM"), host.Transcript);
        Assert.That(host.Lines, Has.One.EqualTo("stop-async ran"), host.Transcript);
        Assert.That(host.Lines, Has.None.Contains("Received SIGTERM"), host.Transcript);
    }
}
