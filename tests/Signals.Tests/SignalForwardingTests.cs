using System.Collections.Concurrent;
using System.Diagnostics;

namespace Signals.Tests;

/// <summary>
/// Issue 20, item 6: forwarding to children. Real <c>sh -c</c> children, each in a process group of its own (perl's
/// setpgrp, then exec: the pid stays the shell's), get the SIGTERM sent to this process; their exit statuses are
/// reported and nothing is left behind (no member of the group, no zombie). This process handles SIGTERM while the
/// forwarder lives (and a SignalScope keeps it handled around it), so it is not ended by it.
/// </summary>
[TestFixture, NonParallelizable]
public class SignalForwardingTests
{
    [Test]
    public void SigtermToUsReachesTheChildThroughItsPidfd()
    {
        using var scope = new SignalScope(Signal.SIGTERM);
        using var child = StartInOwnGroup("trap 'echo got TERM; exit 3' TERM; echo ready; while :; do sleep 0.05; done");
        child.WaitForLine("ready");
        using var forwarder = SignalForwarding.Forward([Signal.SIGTERM, Signal.SIGHUP], child.Process);
        Assert.That(forwarder.ToString(), Is.EqualTo($"SignalForwarder(SIGTERM, SIGHUP -> process {child.Process.Id})"));

        SignalSender.Kill(Environment.ProcessId, Signal.SIGTERM);
        Assert.That(child.WaitForExit(), Is.True, "the child did not exit: " + child.Output);
        Assert.That(child.Process.ExitCode, Is.EqualTo(3), child.Output);
        Assert.That(child.Lines, Has.One.EqualTo("got TERM"));
        Assert.That(forwarder.Forwarded, Is.EqualTo(1));
        Assert.That(File.Exists($"/proc/{child.Process.Id}/stat"), Is.False, "the child was reaped (no zombie)");

        // The child is gone: the next delivery cannot reach it (nor any process that reuses its pid).
        SignalSender.Kill(Environment.ProcessId, Signal.SIGHUP);
        Poll.Expect(() => forwarder.Undeliverable == 1, "the SIGHUP after the child's exit counted as undeliverable");
    }

    /// <summary>
    /// A group leader with two workers: SIGTERM to us goes to the whole group; each worker ends by its trap (4, 5), the
    /// leader (which ignores SIGTERM once they started) reports their statuses and exits 0; no member of the group is left.
    /// </summary>
    [Test]
    public void SigtermToUsReachesEveryProcessOfTheGroup()
    {
        using var scope = new SignalScope(Signal.SIGTERM);
        const string worker = "trap 'exit {0}' TERM; echo ready {0}; while :; do sleep 0.05; done";
        using var leader = StartInOwnGroup(
            $"sh -c \"{string.Format(worker, 4)}\" & a=$!; sh -c \"{string.Format(worker, 5)}\" & b=$!; trap '' TERM; " +
            "wait $a; echo worker-a $?; wait $b; echo worker-b $?");
        leader.WaitForLine("ready 4");
        leader.WaitForLine("ready 5");
        int group = leader.Process.Id;
        using var forwarder = SignalForwarding.ForwardToProcessGroup([Signal.SIGTERM], group);

        SignalSender.Kill(Environment.ProcessId, Signal.SIGTERM);
        Assert.That(leader.WaitForExit(), Is.True, "the leader did not exit: " + leader.Output);
        Assert.That(leader.Process.ExitCode, Is.Zero, leader.Output);
        Assert.That(leader.Lines, Is.SupersetOf(new[] { "worker-a 4", "worker-b 5" }), leader.Output);
        Assert.That(forwarder.Forwarded, Is.EqualTo(1));
        Assert.That(SignalSender.CanSignal(-group), Is.False, "a process of the group is left");
    }

    private static ShellChild StartInOwnGroup(string script) => new(script);

    /// <summary><c>perl -e 'setpgrp; exec' sh -c SCRIPT</c>, its stdout collected line by line.</summary>
    private sealed class ShellChild : IDisposable
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public ShellChild(string script)
        {
            var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
            foreach (var argument in new[] { "--default-signal=TERM,HUP", "perl", "-e", "setpgrp(0, 0); exec @ARGV or die", "sh", "-c", script })
                start.ArgumentList.Add(argument);
            Process = new Process { StartInfo = start };
            Process.OutputDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue(e.Data); };
            Process.Start();
            Process.BeginOutputReadLine();
        }

        public Process Process { get; }

        public IReadOnlyList<string> Lines => [.. _lines];

        public string Output => string.Join(" | ", _lines);

        /// <summary>Waits for the exit (and then for the end of its output) within the deadline.</summary>
        public bool WaitForExit()
        {
            if (!Process.WaitForExit(Poll.Deadline))
                return false;
            Process.WaitForExit(); // returns once the redirected output reached its end: every line is in
            return true;
        }

        public void WaitForLine(string line) => Poll.Expect(() => _lines.Contains(line), $"'{line}' from the child ({Output})");

        public void Dispose()
        {
            try
            {
                if (!Process.HasExited)
                    SignalSender.Kill(-Process.Id, Signal.SIGKILL);
            }
            catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
            {
                // gone already
            }
            Process.WaitForExit(Poll.Deadline);
            Process.Dispose();
        }
    }
}
