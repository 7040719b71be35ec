using Signals.Stress.Infrastructure;

namespace Signals.Stress.Scenarios;

/// <summary>
/// R7: (1) a signal from another uid — a child that drops to <c>nobody</c> (keeping only CAP_KILL, so that
/// the kernel lets it signal a root process at all) — is dropped and reported by a subscription that
/// allows only our uid, while our own uid's signal is delivered; (2) the wake channel is ours alone: its
/// fds are close-on-exec, no child and no other process on the machine holds them, and nobody, of another
/// uid or of ours, can open them through /proc; (3) as PID 1 of a new PID namespace (a copy of this program under unshare,
/// <see cref="Pid1Scenario"/>) SIGTERM still reaches the subscription and children are reaped only by
/// their owners.
/// </summary>
internal static class SecurityScenario
{
    private const string Nobody = "nobody";

    public static bool Run(Arguments arguments)
    {
        var checks = new CheckList("R7");
        OtherUidIsDropped(checks);
        WaitForExitWithSigchldSubscribedFirst(checks);
        RunAsPid1(arguments, checks);

        bool passed = checks.Failures == 0;
        Console.WriteLine($"STRESS R7 checks={checks.Count} failures={checks.Failures} {(passed ? "PASS" : "FAIL")}");
        return passed;
    }

    private static void OtherUidIsDropped(CheckList checks)
    {
        uint ourUid = SignalSender.UserId;
        uint nobodyUid = uint.Parse(HelperProcess.Run("id", "-u", Nobody).Output.Trim());
        var rejected = new List<SignalEvent>();
        long accepted = 0;
        // The channel is created by the first subscription: what is new in our fd table right after it is the library's.
        var before = ProcFs.Descriptors(Environment.ProcessId);
        using var subscription = SignalEvents.Subscribe(Signal.SIGUSR1, _ => Interlocked.Increment(ref accepted), new SubscriptionOptions
        {
            AllowedSenderUids = [ourUid],
            OnRejected = e => { lock (rejected) rejected.Add(e); },
        });
        int pid = SignalSender.ProcessId;
        ChannelIsOurs(checks, before, pid);

        using var stranger = HelperProcess.Run("setpriv", $"--reuid={Nobody}", "--regid=nogroup", "--clear-groups",
            "--inh-caps=+kill", "--ambient-caps=+kill", "kill", "-USR1", pid.ToString());
        checks.Check(stranger.ExitCode == 0, $"uid {nobodyUid} (with CAP_KILL only) sent SIGUSR1 (exit {stranger.ExitCode}) {stranger.Error.Trim()}");
        bool reported = Poll.Until(() => { lock (rejected) return rejected.Count == 1; }, TimeSpan.FromSeconds(30));
        SignalEvent? dropped = null;
        lock (rejected)
            if (rejected.Count > 0)
                dropped = rejected[0];
        checks.Check(reported && dropped?.SenderUid == nobodyUid && dropped?.SenderPid == stranger.Id,
            $"the delivery from uid {nobodyUid} was dropped and reported: {dropped?.ToString() ?? "nothing reported"}");
        checks.Check(Interlocked.Read(ref accepted) == 0 && subscription.RejectedCount == 1,
            $"the callback did not run for it (accepted {accepted}, RejectedCount {subscription.RejectedCount})");

        using var friend = HelperProcess.Run("kill", "-USR1", pid.ToString());
        checks.Check(Poll.Until(() => Interlocked.Read(ref accepted) == 1, TimeSpan.FromSeconds(30)) && subscription.RejectedCount == 1,
            $"a delivery from our own uid {ourUid} reached the callback (accepted {accepted}, rejected {subscription.RejectedCount})");
    }

    private static void ChannelIsOurs(CheckList checks, Dictionary<int, string> before, int pid)
    {
        // New by number or by target: a number closed and reused during Subscribe (the runtime closes transient
        // descriptors while loading code) is new too.
        var added = ProcFs.Descriptors(pid).Where(fd => !before.TryGetValue(fd.Key, out var old) || old != fd.Value).ToList();
        var channelFds = added.Where(fd => fd.Value.StartsWith("socket:", StringComparison.Ordinal)).ToList();
        checks.Check(channelFds.Count == 2 && !added.Any(fd => fd.Value.StartsWith("pipe:", StringComparison.Ordinal)),
            $"the library opened one socket pair and no pipe (new fds: {string.Join(" ", added.Select(fd => $"{fd.Key}->{fd.Value}"))})");
        var libraryFds = channelFds.Select(fd => fd.Key).ToList();
        checks.Check(libraryFds.Count > 0 && libraryFds.All(fd => ProcFs.IsCloseOnExec(pid, fd)),
            $"the channel fds {string.Join(",", libraryFds)} are O_CLOEXEC");

        using var child = new HelperProcess("sleep", "30");
        var childFds = ProcFs.Descriptors(child.Id);
        checks.Check(childFds.Count > 0 && !channelFds.Any(fd => childFds.ContainsValue(fd.Value)),
            $"a spawned child (pid {child.Id}) holds none of them: its fds are {string.Join(" ", childFds.Select(fd => $"{fd.Key}->{fd.Value}"))}");
        HelperProcess.Run("kill", child.Id.ToString()).Dispose();
        checks.Check(child.WaitForExit(TimeSpan.FromSeconds(30)), $"the child {child.Id} ended after kill");

        var holders = ProcFs.Processes().Where(other => other != pid &&
            channelFds.Any(fd => ProcFs.Descriptors(other).ContainsValue(fd.Value))).ToList();
        checks.Check(holders.Count == 0, $"no other process on the machine holds them (holders: {string.Join(",", holders)})");

        // Records never travel through a descriptor, and the wake channel cannot be opened through /proc/<pid>/fd by
        // anyone: not another uid, and not our own (root here), which could open a pipe there (0.1.0's record pipe).
        foreach (var fd in libraryFds)
        {
            using var intruder = HelperProcess.Run("setpriv", $"--reuid={Nobody}", "--regid=nogroup", "--clear-groups", "sh", "-c",
                $"printf 'forged-record-forged-record-forged-recor' > /proc/{pid}/fd/{fd}");
            checks.Check(intruder.ExitCode != 0, $"uid {Nobody} could not open /proc/{pid}/fd/{fd} (exit {intruder.ExitCode}: {intruder.Error.Trim()})");
            using var sameUid = HelperProcess.Run("sh", "-c", $"printf 'forged-record-forged-record-forged-recor' > /proc/{pid}/fd/{fd}");
            checks.Check(sameUid.ExitCode != 0, $"our own uid could not open /proc/{pid}/fd/{fd} (exit {sameUid.ExitCode}: {sameUid.Error.Trim()})");
        }
    }

    // Children are reaped by their owner, the runtime, only if its SIGCHLD handler keeps running: a fresh
    // process that subscribes to SIGCHLD before its first Process.Start must still see children end.
    private static void WaitForExitWithSigchldSubscribedFirst(CheckList checks)
    {
        using var probe = new HelperProcess(Environment.ProcessPath!, "probe-waitforexit-sigchld-first");
        bool ended = probe.WaitForExit(TimeSpan.FromSeconds(90));
        checks.Check(ended && probe.ExitCode == 0 && probe.Output.Contains("survived", StringComparison.Ordinal),
            $"Process.WaitForExit works in a process that subscribed to SIGCHLD before its first Process.Start ({probe.Error.Trim()})");
    }

    private static void RunAsPid1(Arguments arguments, CheckList checks)
    {
        using var namespaced = new HelperProcess("unshare", ["--pid", "--fork", "--mount-proc", Environment.ProcessPath!, "r7-pid1", .. arguments.All]);
        bool ended = namespaced.WaitForExit(TimeSpan.FromSeconds(180));
        Console.Error.Write(namespaced.Error);
        long count = namespaced.Value("checks"), failures = namespaced.Value("failures");
        checks.Check(ended && namespaced.ExitCode is 0 or 1 && count > 0,
            $"the PID 1 run ended and reported (exit {(ended ? namespaced.ExitCode : -1)}, {count} checks, {failures} failures)");
        checks.Add(Math.Max(count, 0), Math.Max(failures, 0));
    }
}
