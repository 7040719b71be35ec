using System.Diagnostics;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace Signals.Tests.Demo;

/// <summary>
/// Issue 20, item 5, in a real terminal: serve runs as the foreground job of an interactive bash inside tmux (a
/// private tmux server of its own). Ctrl-Z stops it with its "suspended" line printed before bash's "Stopped", fg
/// resumes it serving, Ctrl-C ends it cleanly (status 0).
/// </summary>
[TestFixture]
public class ServeTerminalJobControlTests
{
    private string _directory = null!;
    private string _server = null!;

    [SetUp]
    public void Start()
    {
        _directory = Directory.CreateTempSubdirectory("signals-demo-tty-").FullName;
        _server = $"signals-jobs-{Environment.ProcessId}";
        Tmux("new-session", "-d", "-s", "jobs", "-x", "220", "-y", "50",
            "env --default-signal=INT,QUIT,TSTP,TERM PS1='$ ' bash --norc --noprofile -i");
    }

    [TearDown]
    public void Stop()
    {
        Tmux("kill-server");
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public void CtrlZSuspendsAfterItsLineFgResumesCtrlCEnds()
    {
        string config = Path.Combine(_directory, "service.conf");
        Keys($"'{DemoProcess.ExecutablePath}' serve --config '{config}'", "Enter");
        string ready = WaitForScreen(screen => screen.Contains(" ready; try: "), "serve ready");
        int pid = int.Parse(Regex.Match(ready, @"serve: PID (\d+)").Groups[1].Value);

        Keys("C-z");
        string stopped = WaitForScreen(screen => screen.Contains("Stopped"), "bash's Stopped");
        Assert.That(stopped.IndexOf(": suspended; fg (or kill -CONT", StringComparison.Ordinal), Is.InRange(0, stopped.IndexOf("Stopped", StringComparison.Ordinal)),
            "the callback's line comes first:\n" + stopped);
        Assert.That(State(pid), Is.EqualTo('T'), stopped);

        Keys("fg", "Enter");
        WaitForScreen(screen => screen.Contains(" resumed (SIGCONT)"), "resumed");
        Assert.That(State(pid), Is.Not.EqualTo('T'));

        Keys("C-c");
        WaitForScreen(screen => screen.Contains("; exiting with status 0"), "the graceful shutdown");
        Keys("echo \"status=$?\"", "Enter");
        WaitForScreen(screen => screen.Contains("status=0"), "serve's exit status 0");
    }

    private void Keys(params string[] keys) => Tmux(["send-keys", "-t", "jobs", .. keys]);

    /// <summary>Polls the pane (with its scrollback) until <paramref name="match"/> holds; returns that screen.</summary>
    private string WaitForScreen(Func<string, bool> match, string what)
    {
        string screen = "";
        bool found = Poll.Until(() => match(screen = Tmux("capture-pane", "-p", "-J", "-t", "jobs", "-S", "-500")));
        Assert.That(found, Is.True, $"{what}: not on the screen within {Poll.Deadline.TotalSeconds} s:\n{screen}");
        return screen;
    }

    private string Tmux(params string[] arguments)
    {
        var start = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-L", _server }.Concat(arguments))
            start.ArgumentList.Add(argument);
        using var tmux = Process.Start(start)!;
        string output = tmux.StandardOutput.ReadToEnd();
        tmux.StandardError.ReadToEnd();
        Assert.That(tmux.WaitForExit(DemoProcess.Deadline), Is.True, "tmux did not finish");
        return output;
    }

    private static char State(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[stat.LastIndexOf(')') + 2];
    }
}
