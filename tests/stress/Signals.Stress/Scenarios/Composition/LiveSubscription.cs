using System.Diagnostics;

namespace Signals.Stress.Scenarios.Composition;

/// <summary>
/// A subscription (or a SignalHandlers handler) the sequence made: what its callback counted, what the model
/// expects it to have counted, and what its callback saw (its thread's mask, its children's masks).
/// </summary>
internal sealed class LiveSubscription(int id, Signal signal, SignalPolicy policy, CallbackTarget target, bool spawns, bool isHandler, Problems problems)
{
    private long _count;
    private int _spawnedOnChildExit;

    public int Id => id;
    public Signal Signal => signal;
    public SignalPolicy Policy => policy;
    public CallbackTarget Target => target;
    public bool IsHandler => isHandler;
    public SignalSubscription? Subscription { get; set; }

    /// <summary>Deliveries the callback saw (a coalesced event counts as its Count).</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Exact expectation, or a lower bound for SIGCHLD (the kernel sends it, and it coalesces).</summary>
    public long Expected { get; set; }

    public bool ExactCount => signal != Signal.SIGCHLD;

    /// <summary>Set by any Process.Start here: the runtime installs its SIGCHLD handler at the first one.</summary>
    public static volatile bool ChildrenStarted;

    public void OnEvent(SignalEvent e)
    {
        ulong mask = ThreadMasks.Current();
        if (mask != 0)
            problems.Add($"[sigblk-callback] a {target} callback for {Step.Name(signal)} (#{id}) runs with SigBlk {mask:x16} on thread {Environment.CurrentManagedThreadId} '{Thread.CurrentThread.Name}'");
        // On SIGCHLD only the first event spawns: the child's exit is the next SIGCHLD, so spawning on every one
        // keeps a chain of processes going for ever, one thread-pool thread blocked in WaitForExit per link,
        // and the starved pool then held up the other callbacks' probes (they read the child's output on the
        // pool) past the step deadline (R8 seed 20261201 #721: 119 children in 10 s, each started by a newly
        // injected pool thread, every one reaped by the runtime under strace).
        if (spawns && (signal != Signal.SIGCHLD || Interlocked.Exchange(ref _spawnedOnChildExit, 1) == 0))
            SpawnProbe(problems, $"a {target} callback for {Step.Name(signal)} (#{id})");
        Interlocked.Add(ref _count, e.Count);
    }

    /// <summary>
    /// Starts <c>grep SigBlk /proc/self/status</c> directly (not through a shell, which would reset its mask) and
    /// reports a child that starts with signals blocked, or a Process.WaitForExit that does not return.
    /// </summary>
    public static void SpawnProbe(Problems problems, string where)
    {
        ChildrenStarted = true;
        try
        {
            using var child = Process.Start(new ProcessStartInfo("grep", ["SigBlk", "/proc/self/status"])
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            })!;
            // Process.Dispose does not close a redirected stream the caller has touched (it could still be in
            // use): undisposed, its pipe's read end stays open until a GC finalizes it and the Shutdown leak
            // check counts it.
            using var reader = child.StandardOutput;
            var output = reader.ReadToEndAsync();
            if (!child.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                problems.Add($"[waitforexit] a child started from {where} did not end within 10 s (WaitForExit)");
                child.Kill();
                return;
            }
            ulong? mask = output.Wait(TimeSpan.FromSeconds(10)) ? ThreadMasks.Blocked(output.Result) : null;
            if (mask != 0)
                problems.Add($"[sigblk-child] a child started from {where} has SigBlk {(mask is { } m ? m.ToString("x16") : "unreadable")}");
        }
        catch (Exception exception)
        {
            problems.Add($"[exception] starting a child from {where}: {exception.GetType().Name}: {exception.Message}");
        }
    }
}
