using System.Collections.Concurrent;
using System.Diagnostics;
using Signals.TestHost.Support;

namespace Signals.TestHost.Scenarios;

/// <summary>
/// Issue 10, item 2: nothing the library runs or creates may inherit a blocked mask. After READY the parent
/// sends SIGUSR1 (each callback target starts <c>grep SigBlk /proc/self/status</c> directly) and SIGHUP (its
/// callback starts <c>sleep 30</c>). The child reports the mask each grep started with, every thread whose
/// mask differs from the one main had before the library loaded, and how the sleep ended after SIGTERM.
/// </summary>
internal static class MaskScenario
{
    // sleep 30 that ignores SIGTERM (blocked) ends by itself after 30 s: wait longer, so the outcome is its status.
    private static readonly TimeSpan SleepEnd = TimeSpan.FromSeconds(45);

    public static int Run()
    {
        string baseline = ProcFs.BlockedMask("/proc/thread-self/status");
        Report.Line("BASELINE " + baseline);
        var children = new ConcurrentDictionary<CallbackTarget, string>();
        Action<SignalEvent> Probe(CallbackTarget target) => _ => children.TryAdd(target, ProcFs.ChildBlockedMask());

        using var loop = new LoopContext("mask loop");
        using var onDispatcher = SignalEvents.Subscribe(Signal.SIGUSR1, Probe(CallbackTarget.Dispatcher));
        using var onPool = SignalEvents.Subscribe(Signal.SIGUSR1, Probe(CallbackTarget.ThreadPool),
            new SubscriptionOptions { Target = CallbackTarget.ThreadPool });
        using var onContext = loop.Run(() => SignalEvents.Subscribe(Signal.SIGUSR1, Probe(CallbackTarget.SynchronizationContext),
            new SubscriptionOptions { Target = CallbackTarget.SynchronizationContext }));
        Process? sleeper = null;
        using var onHangup = SignalEvents.Subscribe(Signal.SIGHUP, _ => Volatile.Write(ref sleeper, Process.Start("sleep", "30")));
        Report.Line("READY");

        if (!Deadline.Until(() => children.Count == 3 && Volatile.Read(ref sleeper) is not null))
            return Report.Fail($"callbacks ran for {string.Join(",", children.Keys)}; sleeper started: {sleeper is not null}", ExitCodes.TimedOut);
        foreach (var (target, mask) in children.OrderBy(pair => pair.Key))
            Report.Line($"CHILD {target} {mask}");

        var threads = ProcFs.Threads();
        var different = threads.Where(thread => thread.Blocked != baseline).Select(thread => $"{thread.Tid}:{thread.Name}:{thread.Blocked}");
        Report.Line($"THREADS {threads.Count} differing: {string.Join(" ", different)}");

        SignalSender.Kill(sleeper!.Id, Signal.SIGTERM);
        if (!sleeper.WaitForExit(SleepEnd))
        {
            sleeper.Kill();
            return Report.Fail("sleep outlived SIGTERM and its own 30 s", ExitCodes.TimedOut);
        }
        Report.Line($"SLEEP-EXIT {sleeper.ExitCode}");
        return ExitCodes.Ok;
    }
}
