using NUnit.Framework;

namespace Signals.Tests.Demo;

/// <summary>
/// serve (the default): SIGHUP reloads the config and logs the changes, SIGUSR1 prints diagnostics, SIGTERM/SIGINT
/// shut down gracefully within the deadline, a second one exits at once by that signal; every signal is logged
/// with its sender's pid and uid.
/// </summary>
[TestFixture]
public class ServeCommandTests
{
    private string _directory = null!;
    private string _config = null!;
    private uint _uid;

    [SetUp]
    public void CreateDirectory()
    {
        _directory = Directory.CreateTempSubdirectory("signals-demo-serve-").FullName;
        _config = Path.Combine(_directory, "service.conf");
        _uid = ShellCommands.UserId();
    }

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void AnnouncesItselfAndCreatesTheDefaultConfig()
    {
        using var service = StartService();
        Assert.That(File.ReadAllText(_config), Does.Contain("heartbeat_seconds=10").And.Contain("drain_seconds=1"));
        service.WaitForLine(line => line.EndsWith($" config {_config} (created with defaults, 4 keys)"), "the config line");
        service.WaitForLine(line => line.EndsWith(" handling SIGHUP: reload the config and log what changed"), "the SIGHUP line");
        service.WaitForLine(line => line.EndsWith(" handling SIGUSR1: print diagnostics (uptime, deliveries per signal, last sender)"), "the SIGUSR1 line");
        service.WaitForLine(line => line.EndsWith(" handling SIGTERM, SIGINT: graceful shutdown within 5 s; a second one exits at once"), "the SIGTERM line");
        StopGracefully(service, "TERM");
    }

    [Test]
    public void Sigusr1PrintsDiagnosticsWithTheLastSender()
    {
        using var service = StartService();
        SignalSender.Kill(service.Pid, Signal.SIGUSR1);
        service.WaitForLine(line => line.EndsWith($" received SIGUSR1 (10) from pid {Environment.ProcessId} uid {_uid}"), "the logged SIGUSR1");
        service.WaitForLine(line => line.Contains(" diagnostics: uptime ") && line.Contains(", state running, ") && line.EndsWith($" config {_config}"), "the uptime line");
        service.WaitForLine(line => line.EndsWith(" diagnostics: deliveries SIGHUP 0, SIGINT 0, SIGUSR1 1, SIGTERM 0"), "the deliveries line");
        service.WaitForLine(line => line.EndsWith($" diagnostics: last sender pid {Environment.ProcessId} uid {_uid} (SIGUSR1)"), "the last sender line");

        int killPid = ShellCommands.Kill("USR1", service.Pid);
        service.WaitForLine(line => line.EndsWith(" diagnostics: deliveries SIGHUP 0, SIGINT 0, SIGUSR1 2, SIGTERM 0"), "the second deliveries line");
        service.WaitForLine(line => line.EndsWith($" diagnostics: last sender pid {killPid} uid {_uid} (SIGUSR1)"), "the kill command as last sender");
        StopGracefully(service, "TERM");
    }

    [Test]
    public void SighupReloadsTheConfigAndLogsWhatChanged()
    {
        using var service = StartService();
        File.WriteAllText(_config, "name=edited\nheartbeat_seconds=0.2\njob_milliseconds=250\ndrain_seconds=1\nregion=north\n");
        int killPid = ShellCommands.Kill("HUP", service.Pid);
        service.WaitForLine(line => line.EndsWith($" received SIGHUP (1) from pid {killPid} uid {_uid}"), "the logged SIGHUP");
        service.WaitForLine(line => line.EndsWith($" reloaded {_config}: heartbeat_seconds 10 -> 0.2, name demo-service -> edited, region added (north)"), "the changes");
        service.WaitForLine(line => line.Contains(" heartbeat: edited: "), "a heartbeat that uses the new config");

        File.WriteAllText(_config, "name=edited\nthis line is broken\n");
        SignalSender.Kill(service.Pid, Signal.SIGHUP);
        service.WaitForLine(line => line.EndsWith($" reload failed: {_config}: line 2: 'this line is broken' is not key=value; keeping the previous configuration"), "the refused reload");

        File.WriteAllText(_config, "name=edited\nheartbeat_seconds=0.2\njob_milliseconds=250\ndrain_seconds=1\nregion=north\n");
        SignalSender.Kill(service.Pid, Signal.SIGHUP);
        service.WaitForLine(line => line.EndsWith($" reloaded {_config}: nothing changed"), "an unchanged reload");
        StopGracefully(service, "INT");
    }

    [Test]
    public void SecondSignalDuringShutdownExitsAtOnceByThatSignal()
    {
        File.WriteAllText(_config, "drain_seconds=60\n");
        using var service = StartService("--deadline", "60");
        int killPid = ShellCommands.Kill("TERM", service.Pid);
        service.WaitForLine(line => line.EndsWith($" received SIGTERM (15) from pid {killPid} uid {_uid}"), "the logged SIGTERM");
        service.WaitForLine(line => line.Contains(" graceful shutdown started by SIGTERM: deadline 60.0 s"), "the shutdown line");
        service.WaitForLine(line => line.Contains(" draining: "), "the drain line");

        SignalSender.Kill(service.Pid, Signal.SIGINT);
        Assert.That(service.WaitForExit(), Is.EqualTo(128 + 2), service.Transcript());
        Assert.That(service.Stdout, Has.Some.EndsWith($" received SIGINT (2) from pid {Environment.ProcessId} uid {_uid}"));
        Assert.That(service.Stdout[^1], Does.EndWith(" second shutdown signal (SIGINT, after SIGTERM): exiting at once by SIGINT (status 130)"));
        Assert.That(service.Stdout, Has.None.Contains("shutdown complete"));
    }

    [Test]
    public void ShutdownPastTheDeadlineExitsByTheSignal()
    {
        File.WriteAllText(_config, "drain_seconds=60\n");
        using var service = StartService("--deadline", "0.3");
        SignalSender.Kill(service.Pid, Signal.SIGTERM);
        Assert.That(service.WaitForExit(), Is.EqualTo(128 + 15), service.Transcript());
        Assert.That(service.Stdout[^1], Does.EndWith(" shutdown deadline of 0.3 s passed with work unfinished; exiting by SIGTERM (status 143)"));
    }

    [Test]
    public void ServeIsTheDefaultCommand()
    {
        using var service = DemoProcess.Start("--config", _config);
        service.WaitForLine(line => line.EndsWith($" signals-demo serve: PID {service.Pid}, uid {_uid}"), "the PID line");
        service.WaitForLine(line => line.Contains(" ready; try: "), "the ready line");
        StopGracefully(service, "TERM");
    }

    [Test]
    public void WithoutConfigOptionTheConfigLivesBesideTheExecutable()
    {
        string besideExecutable = Path.Combine(Path.GetDirectoryName(DemoProcess.ExecutablePath)!, "signals-demo.conf");
        bool existed = File.Exists(besideExecutable);
        try
        {
            using var service = DemoProcess.Start();
            service.WaitForLine(line => line.Contains($" config {besideExecutable} ("), "the default config line");
            service.WaitForLine(line => line.Contains(" ready; try: "), "the ready line");
            Assert.That(File.Exists(besideExecutable), Is.True);
            StopGracefully(service, "TERM");
        }
        finally
        {
            if (!existed)
                File.Delete(besideExecutable);
        }
    }

    private DemoProcess StartService(params string[] options)
    {
        var service = DemoProcess.Start(["serve", "--config", _config, .. options]);
        service.WaitForLine(line => line.EndsWith($" signals-demo serve: PID {service.Pid}, uid {_uid}"), "the PID line");
        service.WaitForLine(line => line.Contains(" ready; try: "), "the ready line");
        return service;
    }

    private void StopGracefully(DemoProcess service, string signal)
    {
        int killPid = ShellCommands.Kill(signal, service.Pid);
        int status = service.WaitForExit();
        Assert.That(status, Is.EqualTo(0), service.Transcript());
        string name = "SIG" + signal;
        Assert.That(service.Stdout, Has.Some.Matches<string>(line => line.Contains($" received {name} (") && line.EndsWith($" from pid {killPid} uid {_uid}")));
        Assert.That(service.Stdout, Has.Some.Contains($" graceful shutdown started by {name}: deadline "));
        Assert.That(service.Stdout[^1], Does.Contain(" shutdown complete after ").And.EndWith("; exiting with status 0"));
    }
}
