using System.Collections.Concurrent;
using System.Diagnostics;

namespace Signals.Tests;

/// <summary>
/// Issue 20, item 6, as PID 1: the supervisor (Signals.TestHost forward-as-init) is init of a new pid namespace
/// (<c>unshare -fp --mount-proc</c>, as in a container). The SIGTERM this test sends it from outside the namespace
/// reaches the forwarder's subscription (a namespace's init gets only the signals it has a handler for), goes on to its children's process group, each child's status is reported, and no zombie is left in the namespace.
/// </summary>
[TestFixture]
public class ForwardingAsInitTests
{
    [Test]
    public void SupervisorAsPid1ForwardsSigtermAndLeavesNoZombie()
    {
        string host = Path.Combine(AppContext.BaseDirectory, "Signals.TestHost.dll");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path : "dotnet";
        var start = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--pid", "--fork", "--mount-proc", "env", "--default-signal=INT,QUIT,TERM", dotnet, host, "forward-as-init" })
            start.ArgumentList.Add(argument);
        var lines = new ConcurrentQueue<string>();
        using var unshare = new Process { StartInfo = start };
        unshare.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        unshare.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue("stderr: " + e.Data); };
        unshare.Start();
        unshare.BeginOutputReadLine();
        unshare.BeginErrorReadLine();
        string Transcript() => string.Join(" | ", lines);
        try
        {
            Poll.Expect(() => lines.Contains("READY") || unshare.HasExited, "the supervisor's READY");
            Assert.That(lines, Does.Contain("PID 1").And.Contain("READY"), Transcript());
            // unshare --fork: the supervisor is unshare's only child; its pid out here is what we signal.
            int supervisor = int.Parse(File.ReadAllText($"/proc/{unshare.Id}/task/{unshare.Id}/children").Trim());
            SignalSender.Kill(supervisor, Signal.SIGTERM);

            Assert.That(unshare.WaitForExit(Poll.Deadline), Is.True, "the supervisor did not finish: " + Transcript());
            unshare.WaitForExit(); // the rest of the output
            Assert.That(unshare.ExitCode, Is.Zero, Transcript());
            Assert.That(lines, Is.SupersetOf(new[] { "LEADER worker-a 4", "LEADER worker-b 5", "EXIT 0", "FORWARDED 1", "ZOMBIES 0" }), Transcript());
        }
        finally
        {
            if (!unshare.HasExited)
                unshare.Kill(entireProcessTree: true);
        }
    }
}
