using System.Diagnostics;
using NUnit.Framework;

namespace Signals.Tests.Demo;

/// <summary>receive (signal_signal.py): "Received: N" for SIGUSR1/SIGUSR2; SIGINT ends it like KeyboardInterrupt (130).</summary>
[TestFixture]
public class ReceiveCommandTests
{
    [Test]
    public void PrintsEachSignalAndEndsOnSigintWithStatus130()
    {
        using var demo = DemoProcess.Start("receive", "--interval", "0.2");
        demo.WaitForLine($"My PID is: {demo.Pid}");

        SignalSender.Kill(demo.Pid, Signal.SIGUSR1);
        demo.WaitForLine("Received: 10");
        ShellCommands.Kill("USR2", demo.Pid);
        demo.WaitForLine("Received: 12");
        // The loop goes on after the handlers ran: Waiting... lines keep coming.
        int waitingBefore = demo.Stdout.Count(line => line == "Waiting...");
        demo.WaitForLine(_ => demo.Stdout.Count(line => line == "Waiting...") > waitingBefore, "a further Waiting... line");

        ShellCommands.Kill("INT", demo.Pid);
        Assert.That(demo.WaitForExit(), Is.EqualTo(130), demo.Transcript());
        Assert.That(demo.Stderr, Is.EqualTo(new[] { "KeyboardInterrupt" }));
        Assert.That(demo.Stdout[0], Is.EqualTo($"My PID is: {demo.Pid}"));
        Assert.That(demo.Stdout.Skip(1), Is.All.Matches<string>(line => line is "Waiting..." or "Received: 10" or "Received: 12"));
        Assert.That(demo.Stdout.Count(line => line.StartsWith("Received")), Is.EqualTo(2), "one line per signal sent");
    }

    [Test]
    public void CoreutilsTimeoutSendsTheSignal()
    {
        // timeout -s INT 3 demo: SIGINT 3 s after the start; --preserve-status passes on the demo's 130.
        var started = Stopwatch.StartNew();
        using var run = DemoProcess.Start("timeout", ["--preserve-status", "-s", "INT", "3", DemoProcess.ExecutablePath, "receive", "--interval", "0.2"]);
        run.WaitForLine(line => line.StartsWith("My PID is: "), "the PID line");
        Assume.That(started.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2.5)),
            "the demo took so long to start that timeout may have fired before its handlers existed");
        Assert.That(run.WaitForExit(), Is.EqualTo(130), run.Transcript());
        Assert.That(run.Stderr, Is.EqualTo(new[] { "KeyboardInterrupt" }));
    }
}
