using System.Diagnostics;
using Signals.Stress.Infrastructure;

namespace Signals.Stress.Scenarios;

/// <summary>
/// R7, third part, run by <see cref="SecurityScenario"/> as PID 1 of a new PID namespace. The kernel drops
/// signals sent to a namespace's init for which it has no handler, so SIGTERM reaching the subscription
/// shows that our handler is really installed. Orphans are re-parented to PID 1: neither the library nor the
/// runtime may reap them (that would steal another owner's exit status), while Process.WaitForExit keeps
/// working for the runtime's own children. Prints "PID1 checks=N failures=M" for the parent.
/// </summary>
internal static class Pid1Scenario
{
    public static bool Run(Arguments arguments)
    {
        var checks = new CheckList("R7 as PID 1");
        checks.Check(SignalSender.ProcessId == 1, $"running as PID {SignalSender.ProcessId} of a new PID namespace");

        var terms = new List<SignalEvent>();
        long childSignals = 0;
        using var term = SignalEvents.Subscribe(Signal.SIGTERM, e => { lock (terms) terms.Add(e); });
        using var chld = SignalEvents.Subscribe(Signal.SIGCHLD, e => Interlocked.Add(ref childSignals, e.Count),
            new SubscriptionOptions { Policy = SignalPolicy.Observe });

        using var killer = HelperProcess.Run("kill", "-TERM", "1");
        checks.Check(killer.ExitCode == 0, $"kill -TERM 1 from a child (pid {killer.Id}) succeeded (exit {killer.ExitCode}) {killer.Error.Trim()}");
        bool arrived = Poll.Until(() => { lock (terms) return terms.Count == 1; }, TimeSpan.FromSeconds(30));
        SignalEvent? delivered = null;
        lock (terms)
            if (terms.Count > 0)
                delivered = terms[0];
        checks.Check(arrived && delivered?.SenderPid == killer.Id, $"SIGTERM reached the subscription: {delivered?.ToString() ?? "nothing"}");

        int waited = 0;
        for (int round = 0; round < 20; round++)
        {
            using var child = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "exit 7"]) { UseShellExecute = false })!;
            if (child.WaitForExit(TimeSpan.FromSeconds(30)) && child.ExitCode == 7)
                waited++;
        }
        checks.Check(waited == 20, $"Process.WaitForExit returned exit code 7 for {waited} of 20 children");
        checks.Check(Interlocked.Read(ref childSignals) > 0, $"the observing SIGCHLD subscription saw {childSignals} deliveries, chained to the runtime's handler");

        // sh starts a background sleep and exits: the sleep is re-parented to us and, once it ends, must stay a
        // zombie, because nobody here asked for it. Reaping it would mean someone calls wait(-1).
        using var parent = HelperProcess.Run("/bin/sh", "-c", "sleep 0.3 & echo $!");
        int orphan = int.TryParse(parent.Output.Trim(), out int id) ? id : -1;
        bool zombie = Poll.Until(() => ProcFs.State(orphan) is ('Z', 1), TimeSpan.FromSeconds(30));
        Thread.Sleep(1000); // a reaper racing us would have had a second (and a SIGCHLD, below) to act
        using (var more = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "exit 7"]) { UseShellExecute = false })!)
            checks.Check(more.WaitForExit(TimeSpan.FromSeconds(30)) && more.ExitCode == 7,
                "Process.WaitForExit still works a second later (after the dispatcher's tamper checks ran)");
        checks.Check(orphan > 0 && zombie && ProcFs.State(orphan) is ('Z', 1),
            $"the orphan {orphan} was re-parented to PID 1 and left unreaped (state {ProcFs.State(orphan)?.ToString() ?? "gone"})");

        Console.WriteLine($"PID1 checks={checks.Count} failures={checks.Failures}");
        return checks.Failures == 0;
    }
}
