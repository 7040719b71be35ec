using System.Diagnostics;
using Signals.Stress.Infrastructure;

namespace Signals.Stress.Scenarios;

/// <summary>
/// R4: while 2 sender processes queue <c>size</c> real-time signals, subscriptions to the same signal
/// misbehave — one throws every time, one blocks the dispatcher for seconds, one disposes itself from
/// inside its callback, one subscribes anew from inside its callback — and 8 threads subscribe and
/// dispose in a loop. The well-behaved subscriptions (dispatcher and thread-pool targets) must count
/// exactly what was sent, and the whole thing must end before the deadline (no deadlock).
/// </summary>
internal static class MisbehavingCallbacksScenario
{
    private const int ChurnThreads = 8;
    private const int SelfDisposeAfter = 100;
    private static readonly TimeSpan BlockFor = TimeSpan.FromSeconds(3);

    public static bool Run(Arguments arguments)
    {
        long total = arguments.Long("size", 200_000) / 2 * 2;
        var signal = Signal.RealTime(3);
        var checks = new CheckList("R4");
        var clock = Stopwatch.StartNew();

        long steady = 0, pooled = 0, thrown = 0, reported = 0, blocked = 0, selfDisposerCalls = 0;
        long firstEventCount = 0, child = 0;
        SignalSubscription? childSubscription = null;
        SignalEvents.CallbackFailed += (_, failure) =>
        {
            if (failure.Exception is InvalidOperationException { Message: "R4 thrower" })
                Interlocked.Add(ref reported, failure.Event.Count);
            else
                checks.Fail($"unexpected callback failure: {failure.Exception}");
        };

        using var steadySubscription = SignalEvents.Subscribe(signal, e => steady += e.Count);
        using var pooledSubscription = SignalEvents.Subscribe(signal, e => Interlocked.Add(ref pooled, e.Count),
            new SubscriptionOptions { Target = CallbackTarget.ThreadPool });
        using var thrower = SignalEvents.Subscribe(signal, e =>
        {
            thrown += e.Count;
            throw new InvalidOperationException("R4 thrower");
        });
        using var blocker = SignalEvents.Subscribe(signal, e =>
        {
            if (Interlocked.Add(ref blocked, e.Count) == e.Count)
                Thread.Sleep(BlockFor); // the first delivery holds the dispatcher: the pipe fills meanwhile
        });
        SignalSubscription? selfDisposer = null;
        selfDisposer = SignalEvents.Subscribe(signal, _ =>
        {
            if (++selfDisposerCalls == SelfDisposeAfter)
                selfDisposer!.Dispose();
        });
        using var resubscriber = SignalEvents.Subscribe(signal, e =>
        {
            // The new subscription is not in the list being dispatched now: it starts with the next event.
            if (childSubscription is null)
            {
                firstEventCount = e.Count;
                childSubscription = SignalEvents.Subscribe(signal, e2 => child += e2.Count);
            }
        });

        var stopChurn = new CancellationTokenSource();
        long churned = 0;
        var churners = Enumerable.Range(0, ChurnThreads).Select(index => new Thread(() =>
        {
            var random = new Random(index);
            while (!stopChurn.IsCancellationRequested)
            {
                try
                {
                    // Sometimes the flying signal alone, sometimes with SIGURG (default: ignore), whose last
                    // subscriber going away restores the previous action while others come and go.
                    using var churn = random.Next(2) == 0
                        ? SignalEvents.Subscribe(signal, _ => { })
                        : SignalEvents.Subscribe([signal, Signal.SIGURG], _ => { }, new SubscriptionOptions { Target = CallbackTarget.ThreadPool });
                    if (random.Next(4) == 0)
                        Thread.Yield();
                    Interlocked.Increment(ref churned);
                }
                catch (Exception exception)
                {
                    checks.Fail($"churn thread {index}: {exception.GetType().Name}: {exception.Message}");
                }
            }
        }) { Name = $"R4 churn {index}", IsBackground = true }).ToList();
        churners.ForEach(thread => thread.Start());

        string sender = arguments.Helper("stress_sender"), pid = SignalSender.ProcessId.ToString();
        var senders = Enumerable.Range(0, 2).Select(index =>
            new HelperProcess(sender, "queue", pid, signal.Number.ToString(), (total / 2).ToString(), index.ToString())).ToList();
        var deadline = TimeSpan.FromSeconds(arguments.Long("deadline", 900));
        long sent = 0;
        foreach (var process in senders)
        {
            bool ended = process.WaitForExit(deadline);
            sent += Math.Max(0, process.Value("sent"));
            checks.Check(ended && process.ExitCode == 0, $"sender {process.Id} sent {process.Value("sent")} ({process.Error.Trim()})");
            process.Dispose();
        }
        bool arrived = Poll.Until(() => Volatile.Read(ref steady) >= sent && Interlocked.Read(ref pooled) >= sent, TimeSpan.FromSeconds(60));
        stopChurn.Cancel();
        bool churnEnded = churners.All(thread => thread.Join(TimeSpan.FromSeconds(60)));
        var (delivered, overflowed) = SignalEvents.Counters(signal);
        Console.Error.WriteLine($"R4 {sent} signals in {clock.Elapsed.TotalSeconds:0.0} s; {churned} subscribe/dispose cycles; " +
                                $"native: delivered {delivered}, overflowed (coalesced while blocked) {overflowed}");

        checks.Check(arrived, $"all deliveries reached the well-behaved subscriptions within 60 s (steady {steady}, pooled {pooled}, sent {sent})");
        checks.Check(Volatile.Read(ref steady) == sent, $"dispatcher-target subscription counted {steady} == sent {sent}");
        checks.Check(Interlocked.Read(ref pooled) == sent, $"thread-pool-target subscription counted {pooled} == sent {sent}");
        checks.Check(delivered == (ulong)sent, $"native delivered counter {delivered} == sent {sent}");
        checks.Check(Volatile.Read(ref thrown) == sent && Interlocked.Read(ref reported) == sent,
            $"the throwing callback saw {thrown} and CallbackFailed reported {reported} of {sent}");
        checks.Check(Interlocked.Read(ref blocked) == sent, $"the blocking callback (held the dispatcher {BlockFor.TotalSeconds:0} s) counted {blocked} == sent {sent}");
        checks.Check(selfDisposerCalls == SelfDisposeAfter && selfDisposer.IsDisposed,
            $"the self-disposing callback ran {selfDisposerCalls} times (disposed itself at call {SelfDisposeAfter})");
        checks.Check(childSubscription is not null && Volatile.Read(ref child) == sent - firstEventCount,
            $"the subscription made inside a callback counted {child} == sent {sent} - first event {firstEventCount}");
        checks.Check(churnEnded && Interlocked.Read(ref churned) > 0, $"8 churn threads ended, {churned} cycles");
        childSubscription?.Dispose();

        // The dispatcher is still alive and responsive after all that: a fresh subscription gets a fresh signal.
        long after = 0;
        using (SignalEvents.Subscribe(Signal.SIGUSR1, e => Interlocked.Add(ref after, e.Count)))
        {
            SignalSender.Kill(SignalSender.ProcessId, Signal.SIGUSR1);
            checks.Check(Poll.Until(() => Interlocked.Read(ref after) == 1, TimeSpan.FromSeconds(30)), "a new subscription receives SIGUSR1 afterwards");
        }
        checks.Check(clock.Elapsed < deadline, $"no deadlock: ended in {clock.Elapsed.TotalSeconds:0.0} s");

        bool passed = checks.Failures == 0;
        Console.WriteLine($"STRESS R4 cases={checks.Count} failures={checks.Failures} {(passed ? "PASS" : "FAIL")}");
        return passed;
    }
}
