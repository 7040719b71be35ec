using Signals.TestHost.Support;

namespace Signals.TestHost.Scenarios;

/// <summary>
/// Issue 10, item 17: once Dispose has returned, no new callback starts. Deliveries are handed off (to a
/// SynchronizationContext that only queues, and to a ThreadPool whose every thread is busy), the subscription
/// is disposed, then the hand-offs are let run: none may reach the callback (each goes to the restored action,
/// SIG_IGN here, instead: issue 18, row 8).
/// </summary>
internal static class DisposeHandOffScenario
{
    private const int Deliveries = 3;

    // A hand-off already taken off the queue but not yet finished is neither pending nor completed: give the
    // last ones time to finish (each is an increment) before reading the count.
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(200);

    public static int Run()
    {
        // A delivery handed off before Dispose that reaches a disposed subscription does not run its callback (what this
        // checks), and is given to the restored action instead (issue 18: never dropped). SIG_IGN below ours makes
        // that action survivable; under SIG_DFL the process would end by SIGUSR1, as it would have without us.
        SignalHandlers.Set(Signal.SIGUSR1, SignalDisposition.Ignored);
        Report.Line($"CONTEXT ran={ThroughContext()}");
        Report.Line($"POOL ran={ThroughPool()}");
        return ExitCodes.Ok;
    }

    private static int ThroughContext()
    {
        int ran = 0;
        var context = new QueueingContext();
        SynchronizationContext.SetSynchronizationContext(context);
        var subscription = SignalEvents.Subscribe(Signal.SIGUSR1, _ => Interlocked.Increment(ref ran),
            new SubscriptionOptions { Target = CallbackTarget.SynchronizationContext });
        SynchronizationContext.SetSynchronizationContext(null);
        Send(subscription);
        subscription.Dispose();
        context.RunAll();
        return ran;
    }

    private static int ThroughPool()
    {
        int ran = 0;
        int workers = Environment.ProcessorCount;
        ThreadPool.GetMinThreads(out _, out int ioThreads);
        if (!ThreadPool.SetMaxThreads(workers, Math.Max(ioThreads, workers)))
            throw new InvalidOperationException("could not cap the thread pool");
        using var release = new ManualResetEventSlim();
        int blocked = 0;
        for (int i = 0; i < workers; i++)
            ThreadPool.UnsafeQueueUserWorkItem(_ => { Interlocked.Increment(ref blocked); release.Wait(); }, null);
        if (!Deadline.Until(() => Volatile.Read(ref blocked) == workers))
            throw new TimeoutException("the pool's threads never all got busy");

        var subscription = SignalEvents.Subscribe(Signal.SIGUSR1, _ => Interlocked.Increment(ref ran),
            new SubscriptionOptions { Target = CallbackTarget.ThreadPool });
        Send(subscription);
        subscription.Dispose();
        long completed = ThreadPool.CompletedWorkItemCount;
        release.Set();
        // Everything queued so far (the blockers and the hand-offs) has run once this many items completed.
        if (!Deadline.Until(() => ThreadPool.CompletedWorkItemCount >= completed + workers + Deliveries && ThreadPool.PendingWorkItemCount == 0))
            throw new TimeoutException("the pool never drained");
        Thread.Sleep(Settle);
        return Volatile.Read(ref ran);
    }

    // Real signals, one at a time, each handed off before the next: ReceivedCount counts hand-offs.
    private static void Send(SignalSubscription subscription)
    {
        for (int n = 1; n <= Deliveries; n++)
        {
            SignalSender.Kill(Environment.ProcessId, Signal.SIGUSR1);
            if (!Deadline.Until(() => subscription.ReceivedCount == n))
                throw new TimeoutException($"delivery {n} was never handed off");
        }
    }

    /// <summary>A context that only queues: the test decides when posted work runs.</summary>
    private sealed class QueueingContext : SynchronizationContext
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<(SendOrPostCallback, object?)> _posted = new();

        public override void Post(SendOrPostCallback d, object? state) => _posted.Enqueue((d, state));

        public void RunAll()
        {
            while (_posted.TryDequeue(out var work))
                work.Item1(work.Item2);
        }
    }
}
