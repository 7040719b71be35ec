using System.Diagnostics;
using NUnit.Framework;

namespace Signals.Tests.Demo;

/// <summary>Ordinary clients that send signals: procps <c>kill</c>, and the demo's own <c>kill</c> subcommand.</summary>
internal static class ShellCommands
{
    /// <summary>Runs <c>kill -NAME PID</c> (procps); returns the kill process's pid, which the receiver sees as the sender.</summary>
    public static int Kill(string signalName, int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { $"-{signalName}", pid.ToString() }, UseShellExecute = false })!;
        Assert.That(kill.WaitForExit(DemoProcess.Deadline), Is.True, "kill did not finish");
        Assert.That(kill.ExitCode, Is.EqualTo(0), $"kill -{signalName} {pid} failed");
        return kill.Id;
    }

    /// <summary>This user's id as the receiver sees it, from <c>id -u</c> (no native call in the tests).</summary>
    public static uint UserId()
    {
        using var id = Process.Start(new ProcessStartInfo("id", "-u") { RedirectStandardOutput = true, UseShellExecute = false })!;
        string output = id.StandardOutput.ReadToEnd();
        Assert.That(id.WaitForExit(DemoProcess.Deadline), Is.True, "id -u did not finish");
        return uint.Parse(output.Trim());
    }
}
