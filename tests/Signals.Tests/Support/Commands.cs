using System.Diagnostics;

namespace Signals.Tests.Support;

/// <summary>Runs system tools (the kill command, setpriv) as real, separate senders.</summary>
internal static class Commands
{
    /// <summary>The uid of "nobody", for a sender that is not us.</summary>
    public const uint NobodyUid = 65534;

    /// <summary>Runs <paramref name="file"/> to completion; returns its pid and stdout. Fails the test on a non-zero exit.</summary>
    public static (int Pid, string Output) Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        int pid = process.Id;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.That(process.WaitForExit(TimeSpan.FromSeconds(60)), Is.True, $"{file} hung");
        Assert.That(process.ExitCode, Is.Zero, $"{file} {string.Join(' ', arguments)} failed: {error.Result}");
        return (pid, output.Result);
    }

    /// <summary>`kill -s NAME pid` (the name without SIG, as the tool spells it); returns the kill process's pid.</summary>
    public static int Kill(int pid, Signal signal) => Run("kill", "-s", signal.Name[3..], pid.ToString()).Pid;

    /// <summary>
    /// The kill command run as uid/gid 65534 (nobody). It keeps CAP_KILL as an ambient capability, because an
    /// unprivileged sender may not signal a root process; si_uid still says 65534. Returns its pid.
    /// </summary>
    public static int KillAsNobody(int pid, Signal signal) =>
        Run("setpriv", $"--reuid={NobodyUid}", $"--regid={NobodyUid}", "--clear-groups", "--inh-caps=+kill", "--ambient-caps=+kill",
            "kill", "-s", signal.Name[3..], pid.ToString()).Pid;
}
