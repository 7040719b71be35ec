using NUnit.Framework;

namespace Signals.Tests.Demo;

/// <summary>kill PID SIGNAL [--value N] (os.kill / sigqueue): names, numbers, real-time names; errors exit 2.</summary>
[TestFixture]
public class KillCommandTests
{
    [Test]
    public void SendsByNameAndNumberToAReceiver()
    {
        using var receiver = DemoProcess.Start("receive", "--interval", "0.2");
        receiver.WaitForLine($"My PID is: {receiver.Pid}");

        AssertSent(receiver.Pid, "USR1", $"Sent SIGUSR1 (10) to process {receiver.Pid}");
        receiver.WaitForLine(_ => receiver.Stdout.Count(line => line == "Received: 10") == 1, "Received: 10 once");
        AssertSent(receiver.Pid, "sigusr2", $"Sent SIGUSR2 (12) to process {receiver.Pid}");
        AssertSent(receiver.Pid, "12", $"Sent SIGUSR2 (12) to process {receiver.Pid}");
        receiver.WaitForLine(_ => receiver.Stdout.Count(line => line == "Received: 12") == 2, "Received: 12 twice");

        AssertSent(receiver.Pid, "SIGINT", $"Sent SIGINT (2) to process {receiver.Pid}");
        Assert.That(receiver.WaitForExit(), Is.EqualTo(130));
    }

    [TestCase("SIGRTMIN+2", 2)]
    [TestCase("RTMIN+2", 2)]
    [TestCase("SIGRTMAX-1", -1)]
    public void RealTimeNamesReachTheRightSignal(string name, int offset)
    {
        // receive leaves real-time signals at their default action, termination: the exit status names the signal received.
        int number = offset >= 0 ? Signal.RealTimeMin.Number + offset : Signal.RealTimeMax.Number + offset;
        using var receiver = DemoProcess.Start("receive", "--interval", "0.2");
        receiver.WaitForLine($"My PID is: {receiver.Pid}");
        AssertSent(receiver.Pid, name, $"Sent {new Signal(number).Name} ({number}) to process {receiver.Pid}");
        Assert.That(receiver.WaitForExit(), Is.EqualTo(128 + number));
    }

    [Test]
    public void ValueTravelsWithSigqueue()
    {
        string config = Path.Combine(Path.GetTempPath(), $"signals-demo-kill-{Guid.NewGuid():N}.conf");
        try
        {
            uint uid = ShellCommands.UserId();
            using var service = DemoProcess.Start("serve", "--config", config);
            service.WaitForLine(line => line.EndsWith($"signals-demo serve: PID {service.Pid}, uid {uid}"), "the PID line");
            var (status, stdout, stderr) = DemoProcess.Run("kill", service.Pid.ToString(), "USR1", "--value", "42");
            Assert.That(status, Is.EqualTo(0), string.Join('\n', stderr));
            Assert.That(stdout, Is.EqualTo(new[] { $"Queued SIGUSR1 (10) with value 42 to process {service.Pid}" }));
            service.WaitForLine(line => line.Contains("received SIGUSR1 (10) from pid ") && line.EndsWith($" uid {uid} with value 42"), "the queued SIGUSR1 with its value");
            SignalSender.Kill(service.Pid, Signal.SIGTERM);
            Assert.That(service.WaitForExit(), Is.EqualTo(0), service.Transcript());
        }
        finally
        {
            File.Delete(config);
        }
    }

    [TestCase("FOO")]
    [TestCase("SIGRTMIN+99")]
    [TestCase("0")]
    [TestCase("65")]
    public void UnknownSignalIsAOneLineErrorWithStatus2(string signal)
    {
        var (status, stdout, stderr) = DemoProcess.Run("kill", Environment.ProcessId.ToString(), signal);
        Assert.That(status, Is.EqualTo(2));
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr, Has.Count.EqualTo(1));
        Assert.That(stderr[0], Does.StartWith($"signals-demo kill: '{signal}' is not a signal"));
    }

    [TestCase("abc", "'abc' is not a process id")]
    [TestCase("2147483647", "no such process")]
    public void BadPidIsAOneLineErrorWithStatus2(string pid, string message)
    {
        var (status, stdout, stderr) = DemoProcess.Run("kill", pid, "USR1");
        Assert.That(status, Is.EqualTo(2));
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr, Has.Count.EqualTo(1));
        Assert.That(stderr[0], Does.StartWith("signals-demo kill: ").And.Contain(message));
    }

    private static void AssertSent(int pid, string signal, string expected)
    {
        var (status, stdout, stderr) = DemoProcess.Run("kill", pid.ToString(), signal);
        Assert.That(status, Is.EqualTo(0), string.Join('\n', stderr));
        Assert.That(stdout, Is.EqualTo(new[] { expected }));
        Assert.That(stderr, Is.Empty);
    }
}
