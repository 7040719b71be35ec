using System.Diagnostics;

namespace Signals.Tests;

/// <summary>What the pid given to SignalSender.Kill means (kill(2)): a process, a process group, or -1, which is refused.</summary>
[TestFixture, NonParallelizable]
public class SignalSenderPidTests
{
    /// <summary>
    /// Issue 10, item 17: pid -1 is every process the caller may signal; Kill refuses it and names the explicit
    /// method. SIGURG, whose default action is to ignore, keeps the damage small if the refusal ever goes missing.
    /// </summary>
    [Test]
    public void MinusOneIsRefused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => SignalSender.Kill(-1, Signal.SIGURG))!;
        Assert.That(error.Message, Does.Contain("pid -1").And.Contain("SignalSender.KillEveryProcess"));
    }

    /// <summary>A pid below -1 is a process group: a child that leads its own group (setsid) ends by the signal.</summary>
    [Test]
    public void NegativePidSignalsTheProcessGroup()
    {
        // setsid execs in place (a child of ours is not a group leader), so the child's pid is its process group.
        using var child = Process.Start(new ProcessStartInfo("setsid", ["sleep", "60"]) { UseShellExecute = false })!;
        Poll.Expect(() => File.ReadAllText($"/proc/{child.Id}/stat").Split(' ')[4] == child.Id.ToString()
                         && File.ReadAllText($"/proc/{child.Id}/comm").Trim() == "sleep", "the child leading its own process group");
        SignalSender.Kill(-child.Id, Signal.SIGTERM);
        Assert.That(child.WaitForExit(30_000), Is.True);
        Assert.That(child.ExitCode, Is.EqualTo(128 + 15));
    }
}
