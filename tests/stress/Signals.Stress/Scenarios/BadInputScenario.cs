using System.Globalization;
using Signals.Stress.Infrastructure;

namespace Signals.Stress.Scenarios;

/// <summary>
/// R5: every invalid and forbidden signal number through every public entry point, null arguments,
/// negative and oversized timeouts, undefined option values, use after dispose, calls that cannot work
/// from a callback, SignalEvents.Shutdown and restart. Each must give a clear exception (right type, the
/// message names the signal or argument and the reason); afterwards the process must keep working.
/// </summary>
internal static class BadInputScenario
{
    private static readonly int[] InvalidNumbers = [0, -1, -64, 32, 33, 65, 100, int.MinValue, int.MaxValue];
    private static readonly Action<SignalEvent> Ignore = _ => { };

    public static bool Run(Arguments arguments)
    {
        var expect = new Expectations();
        InvalidNumbersEverywhere(expect);
        foreach (var signal in Signal.ValidSignals.Where(signal => !signal.CanBeHandled))
            ForbiddenSignalEverywhere(expect, signal);
        DefaultSignalEverywhere(expect);
        NullArguments(expect);
        BadTimeoutsAndOptions(expect);
        BadTargets(expect);
        UseAfterDispose(expect);
        MisuseFromCallback(expect);
        ShutdownAndRestart(expect);
        BlockedRuntimeSignals(expect);
        expect.Holds("the process keeps working: a new subscription receives SIGUSR1", ReceivesOwnSignal(Signal.SIGUSR1));

        bool passed = expect.Unclear == 0;
        Console.WriteLine($"STRESS R5 inputs={expect.Inputs} unclear={expect.Unclear} {(passed ? "PASS" : "FAIL")}");
        return passed;
    }

    private static void InvalidNumbersEverywhere(Expectations expect)
    {
        foreach (int number in InvalidNumbers)
        {
            string text = number.ToString(CultureInfo.InvariantCulture);
            expect.Throws<ArgumentOutOfRangeException>($"new Signal({text})", () => _ = new Signal(number), text, "does not exist");
            expect.Throws<ArgumentOutOfRangeException>($"(Signal){text}", () => _ = (Signal)number, text, "does not exist");
            expect.Throws<ArgumentException>($"Signal.Parse(\"{text}\")", () => Signal.Parse(text), text, "is not a signal");
            expect.Holds($"Signal.TryParse(\"{text}\") is false and Signal.IsDefined({text}) is false",
                !Signal.TryParse(text, out _) && !Signal.IsDefined(number));
        }
        foreach (string text in new[] { "SIGNOPE", "RTMIN+99", "SIGRTMAX-40", "", "   " })
            expect.Throws<ArgumentException>($"Signal.Parse(\"{text}\")", () => Signal.Parse(text), $"'{text}'", "is not a signal");
        foreach (int offset in new[] { -1, 31, 1000 })
            expect.Throws<ArgumentOutOfRangeException>($"Signal.RealTime({offset})", () => Signal.RealTime(offset), offset.ToString(CultureInfo.InvariantCulture), "does not exist");
    }

    private static void ForbiddenSignalEverywhere(Expectations expect, Signal signal)
    {
        string name = signal.Name, reason = signal.RefusalReason!;
        void Refused(string entryPoint, Action action) =>
            expect.Throws<ArgumentException>($"{entryPoint} with {name}", action, name, "cannot be handled", reason);

        Refused("SignalEvents.Subscribe", () => SignalEvents.Subscribe(signal, Ignore).Dispose());
        Refused("SignalEvents.Subscribe(list)", () => SignalEvents.Subscribe([Signal.SIGUSR2, signal], Ignore).Dispose());
        Refused("SignalEvents.WaitAsync", () => SignalEvents.WaitAsync(signal).GetAwaiter().GetResult());
        Refused("SignalEvents.Wait", () => SignalEvents.Wait([signal], TimeSpan.FromSeconds(1)));
        Refused("SignalEvents.ReadAllAsync", () => SignalEvents.ReadAllAsync([signal]).GetAsyncEnumerator().MoveNextAsync().AsTask().GetAwaiter().GetResult());
        Refused("SignalHandlers.Set(handler)", () => SignalHandlers.Set(signal, Ignore));
        Refused("SignalHandlers.Set(Ignored)", () => SignalHandlers.Set(signal, SignalDisposition.Ignored));
        Refused("SignalHandlers.Set(Default)", () => SignalHandlers.Set(signal, SignalDisposition.Default));
        Refused("SignalHandlers.Restore", () => SignalHandlers.Restore(signal));
        Refused("new SignalCancellation", () => new SignalCancellation(signal).Dispose());
        Refused("new SignalWakeup", () => new SignalWakeup(signal).Dispose());
        Refused("SignalTermination.ExitBySignal", () => SignalTermination.ExitBySignal(signal));
        // Blocking a fault signal turns the next NullReferenceException on that thread into a crash (the
        // kernel kills a process whose synchronous SIGSEGV is blocked); blocking SIGRTMIN stops the GC
        // from suspending the thread; waiting for them steals the runtime's deliveries.
        Refused("SignalMask.Block", () => SignalMask.Block([signal]));
        Refused("SignalMask.Set", () => SignalMask.Set([.. SignalMask.Current, signal]));
        Refused("SignalMask.WaitBlocked", () => SignalMask.WaitBlocked([signal], TimeSpan.Zero));
        expect.Holds($"SignalHandlers.Get({name}) still answers", SignalHandlers.Get(signal) is not null);
        expect.Holds($"SIGUSR2 is not left installed after the refused list with {name}",
            SignalHandlers.Get(Signal.SIGUSR2).Kind == SignalDispositionKind.Default);
    }

    private static void DefaultSignalEverywhere(Expectations expect)
    {
        var zero = default(Signal);
        void Refused(string entryPoint, Action action) =>
            expect.Throws<ArgumentException>($"{entryPoint} with default(Signal)", action, "not a signal");

        Refused("SignalEvents.Subscribe", () => SignalEvents.Subscribe(zero, Ignore).Dispose());
        Refused("SignalEvents.WaitAsync", () => SignalEvents.WaitAsync(zero).GetAwaiter().GetResult());
        Refused("SignalHandlers.Set", () => SignalHandlers.Set(zero, Ignore));
        Refused("SignalHandlers.Get", () => SignalHandlers.Get(zero));
        Refused("SignalHandlers.Restore", () => SignalHandlers.Restore(zero));
        Refused("SignalSender.Kill", () => SignalSender.Kill(SignalSender.ProcessId, zero));
        Refused("SignalSender.Raise", () => SignalSender.Raise(zero));
        Refused("SignalSender.Queue", () => SignalSender.Queue(SignalSender.ProcessId, zero, 1));
        Refused("SignalSender.ThreadKill", () => SignalSender.ThreadKill(SignalSender.CurrentThreadId, zero));
        Refused("SignalSender.PthreadKill", () => SignalSender.PthreadKill(SignalSender.CurrentThreadHandle, zero));
        Refused("SignalMask.Block", () => SignalMask.Block([zero]));
        Refused("SignalTermination.ExitBySignal", () => SignalTermination.ExitBySignal(zero));
        expect.Throws<ArgumentException>("SignalEvents.Counters with default(Signal)", () => SignalEvents.Counters(zero), "signal 0", "invalid");
    }

    private static void NullArguments(Expectations expect)
    {
        void Null(string what, Action action) => expect.Throws<ArgumentNullException>(what, action);

        Null("SignalEvents.Subscribe(signal, null)", () => SignalEvents.Subscribe(Signal.SIGUSR1, null!));
        Null("SignalEvents.Subscribe(null list)", () => SignalEvents.Subscribe((IEnumerable<Signal>)null!, Ignore));
        Null("SignalEvents.WaitAsync(null list)", () => SignalEvents.WaitAsync((IEnumerable<Signal>)null!).GetAwaiter().GetResult());
        Null("SignalEvents.Wait(null list)", () => SignalEvents.Wait(null!, TimeSpan.FromSeconds(1)));
        Null("SignalEvents.ReadAllAsync(null list)", () => SignalEvents.ReadAllAsync(null!).GetAsyncEnumerator().MoveNextAsync().AsTask().GetAwaiter().GetResult());
        Null("SignalHandlers.Set(signal, null handler)", () => SignalHandlers.Set(Signal.SIGUSR1, (Action<SignalEvent>)null!));
        Null("SignalHandlers.Set(signal, null disposition)", () => SignalHandlers.Set(Signal.SIGUSR1, (SignalDisposition)null!));
        Null("Signal.Parse(null)", () => Signal.Parse(null!));
        Null("SignalMask.Block(null)", () => SignalMask.Block(null!));
        Null("SignalMask.WaitBlocked(null)", () => SignalMask.WaitBlocked(null!, TimeSpan.Zero));
        Null("new SignalCancellation(null)", () => new SignalCancellation((IEnumerable<Signal>)null!));
        Null("new SignalWakeup(null)", () => new SignalWakeup((IEnumerable<Signal>)null!));
        expect.Throws<ArgumentException>("SignalEvents.Subscribe(empty list)", () => SignalEvents.Subscribe([], Ignore), "at least one signal");
        expect.Throws<ArgumentException>("SignalEvents.Wait(empty list)", () => SignalEvents.Wait([], TimeSpan.FromSeconds(1)), "at least one signal");
        expect.Throws<ArgumentException>("SignalMask.WaitBlocked(empty list)", () => SignalMask.WaitBlocked([], TimeSpan.Zero), "at least one signal");
    }

    private static void BadTimeoutsAndOptions(Expectations expect)
    {
        var negative = TimeSpan.FromMilliseconds(-5);
        expect.Throws<ArgumentOutOfRangeException>("SignalEvents.Wait(-5 ms)", () => SignalEvents.Wait([Signal.SIGUSR1], negative), "timeout");
        expect.Throws<ArgumentOutOfRangeException>("SignalEvents.Wait(TimeSpan.MaxValue)", () => SignalEvents.Wait([Signal.SIGUSR1], TimeSpan.MaxValue), "timeout");
        expect.Throws<ArgumentOutOfRangeException>("SignalEvents.Pause(-5 ms)", () => SignalEvents.Pause(negative), "timeout");
        expect.Throws<ArgumentOutOfRangeException>("SignalMask.WaitBlocked(-5 ms)", () => SignalMask.WaitBlocked([Signal.SIGUSR1], negative), "timeout");
        expect.Throws<ArgumentOutOfRangeException>("SignalTimers.Alarm(-1 s)", () => SignalTimers.Alarm(TimeSpan.FromSeconds(-1)), "delay");
        expect.Throws<ArgumentOutOfRangeException>("SignalTimers.Alarm(TimeSpan.MaxValue)", () => SignalTimers.Alarm(TimeSpan.MaxValue), "delay");
        expect.Throws<ArgumentOutOfRangeException>("SignalTimers.SetIntervalTimer(value -1 s)",
            () => SignalTimers.SetIntervalTimer(IntervalTimer.Real, TimeSpan.FromSeconds(-1)), "value");
        expect.Throws<ArgumentOutOfRangeException>("SignalTimers.SetIntervalTimer(interval -1 s)",
            () => SignalTimers.SetIntervalTimer(IntervalTimer.Real, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(-1)), "interval");
        expect.Throws<ArgumentOutOfRangeException>("SignalTimers.SetIntervalTimer((IntervalTimer)7)",
            () => SignalTimers.SetIntervalTimer((IntervalTimer)7, TimeSpan.FromSeconds(1)), "IntervalTimer");
        expect.Throws<ArgumentOutOfRangeException>("SignalTimers.GetIntervalTimer((IntervalTimer)7)",
            () => SignalTimers.GetIntervalTimer((IntervalTimer)7), "IntervalTimer");
        // Undefined enum values in the options: like SignalTimers' IntervalTimer, they should be refused
        // at Subscribe, not accepted and then silently ignored at delivery.
        expect.Throws<ArgumentOutOfRangeException>("Subscribe with Target = (CallbackTarget)42",
            () => SignalEvents.Subscribe(Signal.SIGUSR1, Ignore, new SubscriptionOptions { Target = (CallbackTarget)42 }).Dispose(), "Target", "42");
        expect.Throws<ArgumentOutOfRangeException>("Subscribe with Policy = (SignalPolicy)42",
            () => SignalEvents.Subscribe(Signal.SIGUSR1, Ignore, new SubscriptionOptions { Policy = (SignalPolicy)42 }).Dispose(), "Policy", "42");
        expect.Throws<InvalidOperationException>("Subscribe with Target = SynchronizationContext on a thread without one",
            () => SignalEvents.Subscribe(Signal.SIGUSR1, Ignore, new SubscriptionOptions { Target = CallbackTarget.SynchronizationContext }), "SynchronizationContext");
        expect.Throws<InvalidOperationException>("SignalHandlers.Set(SIGUSR1, SignalDisposition.Native)",
            () => SignalHandlers.Set(Signal.SIGUSR1, SignalDisposition.Native), "SIGUSR1", "native handler");
        using (SignalEvents.Subscribe(Signal.SIGUSR1, Ignore))
            expect.Throws<InvalidOperationException>("SignalHandlers.Set(SIGUSR1, Default) while a subscription lives",
                () => SignalHandlers.Set(Signal.SIGUSR1, SignalDisposition.Default), "SIGUSR1", "subscription");
    }

    private static void BadTargets(Expectations expect)
    {
        // No process or thread has id int.MaxValue (pid_max is at most 2^22).
        expect.Throws<ArgumentException>("SignalSender.Kill(no such pid)", () => SignalSender.Kill(int.MaxValue, Signal.SIGUSR1), "SIGUSR1", "2147483647", "no such process");
        expect.Throws<ArgumentException>("SignalSender.Queue(no such pid)", () => SignalSender.Queue(int.MaxValue, Signal.SIGUSR1, 5), "SIGUSR1", "2147483647", "no such process");
        expect.Throws<ArgumentException>("SignalSender.ThreadKill(no such thread)", () => SignalSender.ThreadKill(int.MaxValue, Signal.SIGUSR1), "SIGUSR1", "2147483647", "no such");
        expect.Throws<ArgumentException>("SignalSender.ThreadKill(-5)", () => SignalSender.ThreadKill(-5, Signal.SIGUSR1), "SIGUSR1", "-5");
        expect.Holds("SignalSender.CanSignal(no such pid) is false", !SignalSender.CanSignal(int.MaxValue));
    }

    private static void UseAfterDispose(Expectations expect)
    {
        long disposedCount = 0, liveCount = 0;
        var disposed = SignalEvents.Subscribe(Signal.SIGUSR1, _ => Interlocked.Increment(ref disposedCount));
        disposed.Dispose();
        expect.Succeeds("SignalSubscription.Dispose twice", disposed.Dispose);
        using (SignalEvents.Subscribe(Signal.SIGUSR1, _ => Interlocked.Increment(ref liveCount)))
        {
            SignalSender.Kill(SignalSender.ProcessId, Signal.SIGUSR1);
            Poll.Until(() => Interlocked.Read(ref liveCount) == 1, TimeSpan.FromSeconds(30));
        }
        expect.Holds("a disposed subscription receives nothing while another one on the same signal does",
            Interlocked.Read(ref liveCount) == 1 && Interlocked.Read(ref disposedCount) == 0 && disposed.ReceivedCount == 0);

        var cancellation = new SignalCancellation(Signal.SIGUSR2);
        cancellation.Dispose();
        expect.Succeeds("SignalCancellation.Dispose twice", cancellation.Dispose);
        expect.Throws<ObjectDisposedException>("SignalCancellation.Token after Dispose", () => _ = cancellation.Token);

        var wakeup = new SignalWakeup(Signal.SIGUSR2);
        wakeup.Dispose();
        expect.Succeeds("SignalWakeup.Dispose twice", wakeup.Dispose);
        expect.Throws<ObjectDisposedException>("SignalWakeup.WaitHandle.WaitOne after Dispose", () => wakeup.WaitHandle.WaitOne(0));
        // A wait on a disposed wakeup can never complete: it should say so instead of returning a task that never ends.
        expect.Throws<ObjectDisposedException>("SignalWakeup.WaitAsync after Dispose",
            () => wakeup.WaitAsync().Wait(TimeSpan.FromSeconds(5)), "SignalWakeup");
        expect.Holds("SIGUSR2 is back to its default action after the disposals", SignalHandlers.Get(Signal.SIGUSR2).Kind == SignalDispositionKind.Default);
    }

    private static void MisuseFromCallback(Expectations expect)
    {
        // Calls that wait for the dispatcher cannot work on the dispatcher: each must refuse at once.
        void FromCallback(string what, Action<Expectations> check)
        {
            var done = new ManualResetEventSlim();
            using var subscription = SignalEvents.Subscribe(Signal.SIGUSR1, _ =>
            {
                if (!done.IsSet)
                {
                    check(expect);
                    done.Set();
                }
            });
            SignalSender.Kill(SignalSender.ProcessId, Signal.SIGUSR1);
            if (!done.Wait(TimeSpan.FromSeconds(60)))
                expect.Holds($"{what}: the callback ran within 60 s", false);
        }

        FromCallback("Shutdown", e => e.Throws<InvalidOperationException>("SignalEvents.Shutdown from a callback", SignalEvents.Shutdown, onThisThread: true, "Shutdown", "callback"));
        FromCallback("Pause", e => e.Throws<InvalidOperationException>("SignalEvents.Pause from a callback", () => SignalEvents.Pause(TimeSpan.FromSeconds(1)), onThisThread: true, "Pause", "callback"));
        // Wait from a callback would subscribe and then block the only thread that could deliver to it: even a
        // signal that arrives would never be seen. It must refuse at once, before a SIGUSR2 sent 200 ms later;
        // a second subscription keeps SIGUSR2 handled until that signal has arrived, so the process survives.
        long keptSignals = 0;
        using var keepHandled = SignalEvents.Subscribe(Signal.SIGUSR2, e => Interlocked.Add(ref keptSignals, e.Count));
        FromCallback("Wait", e => e.Throws<InvalidOperationException>("SignalEvents.Wait from a callback (SIGUSR2 sent 200 ms into the wait)", () =>
        {
            _ = Task.Delay(200).ContinueWith(_ => SignalSender.Kill(SignalSender.ProcessId, Signal.SIGUSR2), TaskScheduler.Default);
            var got = SignalEvents.Wait([Signal.SIGUSR2], TimeSpan.FromSeconds(3));
            Console.Error.WriteLine($"R5 note: Wait on the dispatcher thread returned {(got is null ? "null (timed out although SIGUSR2 arrived)" : got.ToString())}");
        }, onThisThread: true, "Wait", "callback"));
        expect.Holds("the SIGUSR2 sent after the refused Wait arrived and was handled",
            Poll.Until(() => Interlocked.Read(ref keptSignals) == 1, TimeSpan.FromSeconds(30)));
    }

    private static void ShutdownAndRestart(Expectations expect)
    {
        var before = SignalEvents.Subscribe(Signal.SIGUSR1, Ignore);
        SignalHandlers.Set(Signal.SIGHUP, Ignore);
        expect.Succeeds("SignalEvents.Shutdown with live subscriptions", SignalEvents.Shutdown);
        expect.Holds("Shutdown disposed the live subscription", before.IsDisposed);
        expect.Holds("Shutdown restored SIGUSR1 and SIGHUP to their default actions",
            SignalHandlers.Get(Signal.SIGUSR1).Kind == SignalDispositionKind.Default && SignalHandlers.Get(Signal.SIGHUP).Kind == SignalDispositionKind.Default);
        expect.Succeeds("SignalEvents.Shutdown twice", SignalEvents.Shutdown);
        expect.Holds("after Shutdown a new subscription receives SIGUSR1 (restart)", ReceivesOwnSignal(Signal.SIGUSR1));
        expect.Holds("after Shutdown SignalHandlers.Set works again", ReceivesThroughHandler(Signal.SIGHUP));
        for (int cycle = 0; cycle < 20; cycle++)
        {
            using var subscription = SignalEvents.Subscribe(Signal.SIGUSR2, Ignore);
            SignalEvents.Shutdown();
        }
        expect.Holds("20 subscribe/Shutdown cycles leave a working library", ReceivesOwnSignal(Signal.SIGUSR2));
    }

    // What the SignalMask cases above guard against, shown in child processes: the harm is real.
    private static void BlockedRuntimeSignals(Expectations expect)
    {
        foreach (var (probe, what) in new[]
                 {
                     ("probe-null-reference-sigsegv-blocked", "a NullReferenceException after SignalMask.Block(SIGSEGV) is still an exception, not a crash"),
                     ("probe-gc-sigrtmin-blocked", "GC.Collect after SignalMask.Block(SIGRTMIN) on a spinning thread still returns"),
                 })
        {
            using var child = new HelperProcess(Environment.ProcessPath!, probe);
            bool ended = child.WaitForExit(TimeSpan.FromSeconds(20));
            bool survived = ended && child.ExitCode == 0 && child.Output.Contains("survived", StringComparison.Ordinal);
            if (!survived)
                Console.Error.WriteLine($"R5 probe {probe}: {(ended ? $"exit status {child.ExitCode}" : "hung for 20 s (killed)")}; {child.Error.Trim()}");
            expect.Holds(what, survived);
        }
    }

    private static bool ReceivesOwnSignal(Signal signal)
    {
        long count = 0;
        using var subscription = SignalEvents.Subscribe(signal, e => Interlocked.Add(ref count, e.Count));
        SignalSender.Kill(SignalSender.ProcessId, signal);
        return Poll.Until(() => Interlocked.Read(ref count) == 1, TimeSpan.FromSeconds(30));
    }

    private static bool ReceivesThroughHandler(Signal signal)
    {
        long count = 0;
        SignalHandlers.Set(signal, e => Interlocked.Add(ref count, e.Count));
        SignalSender.Kill(SignalSender.ProcessId, signal);
        bool received = Poll.Until(() => Interlocked.Read(ref count) == 1, TimeSpan.FromSeconds(30));
        SignalHandlers.Restore(signal);
        return received;
    }
}
