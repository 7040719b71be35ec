using NUnit.Framework;

namespace Signals.Tests.Demo;

/// <summary>ignore (signal_ignore.py): SIGINT ignored; SIGUSR1 prints "Exiting" and exits with status 1.</summary>
[TestFixture]
public class IgnoreCommandTests
{
    [Test]
    public void SigintIsIgnoredAndSigusr1ExitsWithStatus1()
    {
        using var demo = DemoProcess.Start("ignore");
        demo.WaitForLine($"My PID: {demo.Pid}");

        ShellCommands.Kill("INT", demo.Pid);
        SignalSender.Kill(demo.Pid, Signal.SIGINT);
        // Signals are delivered in order: had SIGINT not been ignored, the demo would already be dead by it
        // (status 130) before SIGUSR1 could run its handler.
        ShellCommands.Kill("USR1", demo.Pid);

        Assert.That(demo.WaitForExit(), Is.EqualTo(1), demo.Transcript());
        Assert.That(demo.Stdout, Is.EqualTo(new[] { $"My PID: {demo.Pid}" }));
        Assert.That(demo.Stderr, Is.EqualTo(new[] { "Exiting" }), "SystemExit(\"Exiting\") prints on stderr");
    }
}
