using System.Diagnostics;
using Signals.Stress.Infrastructure;

namespace Signals.Stress.Scenarios;

/// <summary>
/// R7, third part, run by <see cref="SecurityScenario"/> as PID 1 of a new PID namespace. The kernel drops
/// signals sent to a namespace's init for which it has no handler, so SIGTERM reaching the subscription
/// shows that our handler is really installed. The library reaps nothing: Process.WaitForExit keeps getting
/// its own children's exit codes (a wait(-1) anywhere would steal them). Orphans re-parented to PID 1 are
/// reaped by the runtime, as an init must (pal_signal.c reaps all children when getpid() == 1): that only
/// works if SIGCHLD still reaches the runtime's handler through ours. Prints "PID1 checks=N failures=M".
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

        // sh starts a background sleep and exits: the sleep is re-parented to us. When it ends, the runtime
        // (as init) must reap it; a zombie left behind would mean our SIGCHLD handling cut the runtime out.
        using var parent = HelperProcess.Run("/bin/sh", "-c", "sleep 0.3 & echo $!");
        int orphan = int.TryParse(parent.Output.Trim(), out int id) ? id : -1;
        bool reaped = orphan > 0 && Poll.Until(() => ProcFs.State(orphan) is null, TimeSpan.FromSeconds(30));
        checks.Check(reaped, $"the orphan {orphan} re-parented to PID 1 was reaped by the runtime (state {ProcFs.State(orphan)?.ToString() ?? "gone"})");
        Thread.Sleep(1000); // let the dispatcher's tamper checks run before the last WaitForExit
        using (var more = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "exit 7"]) { UseShellExecute = false })!)
            checks.Check(more.WaitForExit(TimeSpan.FromSeconds(30)) && more.ExitCode == 7,
                "Process.WaitForExit still works a second later (after the dispatcher's tamper checks ran)");

        Console.WriteLine($"PID1 checks={checks.Count} failures={checks.Failures}");
        return checks.Failures == 0;
    }
}
