using NUnit.Framework;

namespace Signals.Tests.Demo;

/// <summary>
/// Issue 20, item 5: job control. serve handles SIGTSTP (Ctrl-Z) by saying "suspended" and then stopping the way the
/// default action would (SignalTermination.StopBySignal); SIGCONT (fg) resumes it serving, with its handler back.
/// The demo runs in a process group of its own (perl's setpgrp, then exec), as a shell runs a job: the kernel discards
/// a stop signal in an orphaned group, and the test runner's group might be one.
/// </summary>
[TestFixture]
public class ServeJobControlTests
{
    private string _directory = null!;
    private string _config = null!;

    [SetUp]
    public void CreateDirectory()
    {
        _directory = Directory.CreateTempSubdirectory("signals-demo-jobs-").FullName;
        _config = Path.Combine(_directory, "service.conf");
    }

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void SigtstpSaysSuspendedStopsAndSigcontResumesIt()
    {
        using var service = DemoProcess.Start("env", ["--default-signal=INT,QUIT,TERM,USR1,USR2,TSTP", "perl", "-e", "setpgrp(0, 0); exec @ARGV or die",
            DemoProcess.ExecutablePath, "serve", "--config", _config]);
        service.WaitForLine(line => line.Contains(" ready; try: "), "the ready line");
        Assert.That(service.Stdout, Has.One.EndsWith(" handling SIGTSTP: suspend (Ctrl-Z) after saying so; fg or SIGCONT resumes"));

        for (int round = 1; round <= 2; round++) // the second round: our handler is back after SIGCONT
        {
            int killPid = ShellCommands.Kill("TSTP", service.Pid);
            service.WaitForLine(line => line.EndsWith($" received SIGTSTP (20) from pid {killPid} uid {ShellCommands.UserId()}: suspended; fg (or kill -CONT {service.Pid}) resumes"),
                $"suspended, round {round}");
            Assert.That(Poll.Until(() => State(service.Pid) == 'T'), Is.True, $"round {round}: not stopped (state {State(service.Pid)})");
            ShellCommands.Kill("CONT", service.Pid);
            Poll.Expect(() => service.Stdout.Count(line => line.EndsWith(" resumed (SIGCONT)")) == round, $"resumed, round {round}");
            Assert.That(State(service.Pid), Is.Not.EqualTo('T'));
        }

        ShellCommands.Kill("TERM", service.Pid);
        Assert.That(service.WaitForExit(), Is.EqualTo(0), service.Transcript());
    }

    /// <summary>The state letter in /proc/PID/stat: T when stopped.</summary>
    private static char State(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[stat.LastIndexOf(')') + 2];
    }
}
