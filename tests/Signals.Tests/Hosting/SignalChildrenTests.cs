using System.Text.RegularExpressions;

namespace Signals.Tests.Hosting;

/// <summary>
/// Issue 20, item 6: a worker-supervising host (SignalChildren). SIGTERM to the host reaches its supervised child at
/// once; the host's stop waits for the child (before any hosted service's StopAsync), logs its exit status, and exits
/// 0 with no child left behind.
/// </summary>
[TestFixture, NonParallelizable]
public class SignalChildrenTests : HostAppFixture
{
    [Test]
    public void SigtermReachesTheChildAndTheStopWaitsForIt()
    {
        using var host = HostChildProcess.Start(WorkDirectory, "--config", ConfigFile, "--child",
            "trap 'echo child got TERM; sleep 1; exit 7' TERM; echo child ready pid=$$; while :; do sleep 0.05; done");
        string ready = host.WaitForLine(line => line.StartsWith("child ready pid=", StringComparison.Ordinal), "the child");
        int childPid = int.Parse(Regex.Match(ready, @"pid=(\d+)").Groups[1].Value);
        host.Send(Signal.SIGTERM);

        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
        var lines = host.Lines.ToList();
        int childExit = lines.FindIndex(line => line.Contains($"Child process {childPid} exited with status 7."));
        Assert.That(lines, Has.One.EqualTo("child got TERM"), host.Transcript);
        Assert.That(childExit, Is.GreaterThanOrEqualTo(0), host.Transcript);
        // Not the order of the lines: SignalChildren's goes through the console logger's queue, "stop-async ran" does not.
        Assert.That(lines, Has.One.EqualTo("child-service stop-async: child exited=True"), "the stop waited for the child: " + host.Transcript);
        Assert.That(File.Exists($"/proc/{childPid}/stat"), Is.False, "the child was reaped");
    }
}
