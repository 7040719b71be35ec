using System.Collections.Concurrent;
using System.Diagnostics;

namespace Signals.TestHost.Scenarios;

/// <summary>
/// A supervisor as PID 1 of its pid namespace (run under <c>unshare -fp --mount-proc</c>): it starts a group leader
/// (<c>sh -c</c> in a process group of its own) with two workers, forwards SIGTERM to the group, and once the test
/// has sent it SIGTERM, reports the statuses, its own pid, and the zombies left in the namespace. A namespace's init
/// gets only the signals it has a handler for: the forwarder's subscription is that handler.
/// Lines: "PID n", "READY", "LEADER line..." (the leader's output), "EXIT n", "FORWARDED n", "ZOMBIES n".
/// </summary>
internal static class ForwardAsInitScenario
{
    public static int Run()
    {
        Report.Line($"PID {Environment.ProcessId}");
        const string worker = "trap 'exit {0}' TERM; echo ready {0}; while :; do sleep 0.05; done";
        var start = new ProcessStartInfo("perl") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-e", "setpgrp(0, 0); exec @ARGV or die", "sh", "-c",
                     $"sh -c \"{string.Format(worker, 4)}\" & a=$!; sh -c \"{string.Format(worker, 5)}\" & b=$!; trap '' TERM; " +
                     "wait $a; echo worker-a $?; wait $b; echo worker-b $?" })
            start.ArgumentList.Add(argument);
        var lines = new ConcurrentQueue<string>();
        using var leader = new Process { StartInfo = start };
        leader.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lines.Enqueue(e.Data);
            Report.Line("LEADER " + e.Data);
        };
        leader.Start();
        leader.BeginOutputReadLine();
        if (!Deadline.Until(() => lines.Contains("ready 4") && lines.Contains("ready 5")))
            return Report.Fail("the workers did not start", ExitCodes.TimedOut);

        using var forwarder = SignalForwarding.ForwardToProcessGroup([Signal.SIGTERM], leader.Id);
        Report.Line("READY");
        if (!leader.WaitForExit(Deadline.Generous))
            return Report.Fail("the leader did not exit", ExitCodes.TimedOut);
        leader.WaitForExit(); // the rest of its output
        Report.Line($"EXIT {leader.ExitCode}");
        Report.Line($"FORWARDED {forwarder.Forwarded}");
        Report.Line($"ZOMBIES {Zombies()}");
        return ExitCodes.Ok;
    }

    // Processes of this pid namespace (its own /proc) in state Z, other than none expected.
    private static int Zombies()
    {
        int count = 0;
        foreach (var directory in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out _))
                continue;
            try
            {
                string stat = File.ReadAllText(Path.Combine(directory, "stat"));
                if (stat[stat.LastIndexOf(')') + 2] == 'Z')
                    count++;
            }
            catch (IOException)
            {
                // gone meanwhile
            }
        }
        return count;
    }
}
