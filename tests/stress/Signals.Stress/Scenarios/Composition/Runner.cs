using System.Runtime.InteropServices;
using System.Diagnostics;
using Signals.Stress.Infrastructure;

namespace Signals.Stress.Scenarios.Composition;

/// <summary>
/// Runs steps against the real process and the model side by side, then checks every invariant: the
/// disposition of each signal, every count, the masks of every thread, and at Shutdown the fds and threads.
/// A check that fails returns its message ("[category] what"); the sequence ends there.
/// </summary>
internal sealed class Runner(Model model, Problems problems, ForeignHandler foreign, Func<Signal, int, bool> send, Baseline baseline)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan SettleDeadline = TimeSpan.FromSeconds(2);
    // A negative check ("no more deliveries than sent") waits this long after the expected ones arrived:
    // records travel through a pipe to one thread and callbacks are queued at once, so an extra one shows up
    // well within it; one that comes later still fails the next step's check.
    private static readonly TimeSpan QuietWait = TimeSpan.FromMilliseconds(50);

    /// <summary>Runs one step (whose precondition holds) and checks everything; null when all is well.</summary>
    public string? Run(Step step)
    {
        try
        {
            string? failure = Execute(step) ?? Check(step);
            return failure is not null && problems.IsIgnored(failure) ? null : failure;
        }
        catch (Exception exception)
        {
            return $"[exception] {step}: {exception.GetType().Name}: {exception.Message.ReplaceLineEndings(" ")}";
        }
    }

    private string? Execute(Step step)
    {
        var signalModel = model.Signals.GetValueOrDefault(step.Signal);
        switch (step.Kind)
        {
            case StepKind.Subscribe:
            {
                var live = new LiveSubscription(step.Id, step.Signal, step.Policy, step.Target, step.Spawns, isHandler: false, problems);
                live.Subscription = SignalEvents.Subscribe(step.Signal, live.OnEvent, new SubscriptionOptions { Policy = step.Policy, Target = step.Target });
                model.Subscriptions[step.Id] = live;
                signalModel!.Add(live);
                return null;
            }
            case StepKind.Dispose:
            {
                var live = model.Subscriptions[step.Ref];
                live.Subscription!.Dispose();
                model.Subscriptions.Remove(step.Ref);
                model[live.Signal].Remove(live);
                return null;
            }
            case StepKind.SetHandler:
            {
                var expected = signalModel!.ExpectedKinds();
                var live = new LiveSubscription(step.Id, step.Signal, SignalPolicy.Handle, CallbackTarget.Dispatcher, step.Spawns, isHandler: true, problems);
                var previous = SignalHandlers.Set(step.Signal, live.OnEvent);
                model.Subscriptions[step.Id] = live;
                signalModel.Add(live);
                if (signalModel.Handler is { } replaced)
                {
                    model.Subscriptions.Remove(replaced.Id);
                    signalModel.Remove(replaced);
                }
                signalModel.Handler = live;
                return expected.Contains(previous.Kind) ? null
                    : $"[returned] {step}: Set returned {previous.Kind} as the previous disposition; the model expected {Kinds(expected)} ({signalModel.Describe()})";
            }
            case StepKind.Restore:
            {
                bool had = SignalHandlers.Restore(step.Signal);
                bool expected = signalModel!.Handler is not null;
                if (signalModel.Handler is { } handler)
                {
                    model.Subscriptions.Remove(handler.Id);
                    signalModel.Remove(handler);
                    signalModel.Handler = null;
                }
                return had == expected ? null : $"[returned] {step}: Restore returned {had}, the model expected {expected}";
            }
            case StepKind.SetDefault or StepKind.SetIgnored:
            {
                bool ignored = step.Kind == StepKind.SetIgnored;
                try
                {
                    SignalHandlers.Set(step.Signal, ignored ? SignalDisposition.Ignored : SignalDisposition.Default);
                }
                catch (Exception exception) when (signalModel!.IsChild && exception is InvalidOperationException or ArgumentException)
                {
                    return null; // refusing SIG_DFL/SIG_IGN for SIGCHLD, which Process.WaitForExit needs, is allowed (issue 10, item 11)
                }
                if (signalModel!.Handler is { } handler)
                    model.Subscriptions.Remove(handler.Id);
                signalModel.SetBuiltin(ignored);
                return null;
            }
            case StepKind.PosixCreate:
            {
                var live = new LiveRegistration(step.Id, step.Signal);
#pragma warning disable CA1416 // Linux only, like the library
                live.Registration = PosixSignalRegistration.Create((PosixSignal)step.Signal.Number, live.OnSignal);
#pragma warning restore CA1416
                model.Registrations[step.Id] = live;
                signalModel!.CreateRegistration(live);
                return null;
            }
            case StepKind.PosixDispose:
            {
                var live = model.Registrations[step.Ref];
                live.Registration!.Dispose();
                model.Registrations.Remove(step.Ref);
                model[live.Signal].DisposeRegistration(live);
                RepairNow();
                return null;
            }
            case StepKind.CancelKeyAdd:
            {
                ConsoleCancelEventHandler handler = (_, e) => e.Cancel = true;
                Console.CancelKeyPress += handler;
                model.CancelKeyHandlers[step.Id] = handler;
                return null;
            }
            case StepKind.CancelKeyRemove:
                Console.CancelKeyPress -= model.CancelKeyHandlers[step.Ref];
                model.CancelKeyHandlers.Remove(step.Ref);
                return null;
            case StepKind.ForeignInstall:
            {
                long before = foreign.Count(step.Signal.Number);
                int result = foreign.Install(step.Signal.Number);
                if (result != 0)
                    return $"[foreign] {step}: foreign_install returned {result}";
                signalModel!.InstallForeign(before);
                return null;
            }
            case StepKind.ForeignRemove:
            {
                bool diverged = signalModel!.Diverged;
                int expected = signalModel.RemoveForeign();
                int result = foreign.Remove(step.Signal.Number);
                signalModel.ForeignRemovedAs(result);
                RepairNow();
                return result == expected || (diverged && result is 0 or 1) ? null
                    : $"[foreign] {step}: foreign_remove returned {result} (1 = someone is above it), the model expected {expected} ({signalModel.Describe()})";
            }
            case StepKind.Send:
                return SendAndWait(step, signalModel!);
            case StepKind.ProcessStart:
                return StartChild(step);
            case StepKind.Collect:
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                return null;
            case StepKind.CheckTampering:
                SignalEvents.CheckTampering(repair: true);
                return null;
            case StepKind.Shutdown:
                return Shutdown();
        }
        return null;
    }

    // The steps that can put SIG_DFL/SIG_IGN over a live subscription (System.Native's last-registration
    // dispose, the foreign helper putting back what it saved) repair at once, as the model does in Check:
    // the dispatcher's periodic check is not waited for, since its interval is the library's choice (it may
    // back off to seconds when nothing changes).
    private static void RepairNow() => SignalEvents.CheckTampering(repair: true);

    private string? SendAndWait(Step step, SignalModel signalModel)
    {
        if (!send(step.Signal, step.Count))
            return $"[send] {step}: the driver could not send it";
        signalModel.Deliver(step.Count);
        bool arrived = Poll.Until(() =>
            signalModel.Subscriptions.All(s => s.Count >= s.Expected) &&
            (!signalModel.ForeignActive || foreign.Count(step.Signal.Number) - signalModel.ForeignBase >= signalModel.ForeignMin) &&
            signalModel.Registrations.All(r => r.Count >= r.Min), Deadline);
        if (!arrived)
            return CountFailure(step, signalModel, $"not everyone expected received it within {Deadline.TotalSeconds:0} s") ?? problems.First()
                ?? $"[count] {step}: the deliveries did not arrive within {Deadline.TotalSeconds:0} s (model chain: {signalModel.Describe()})";
        Thread.Sleep(QuietWait);
        return null;
    }

    private string? StartChild(Step step)
    {
        if (step.Spawns)
        {
            LiveSubscription.SpawnProbe(problems, "the main thread");
        }
        else
        {
            using var child = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
            if (!child.WaitForExit(Deadline))
            {
                child.Kill();
                return $"[waitforexit] {step}: Process.WaitForExit did not return within {Deadline.TotalSeconds:0} s for 'true' ({model[Signal.SIGCHLD].Describe()})";
            }
            if (child.ExitCode != 0)
                return $"[waitforexit] {step}: 'true' exited with {child.ExitCode}";
        }
        model[Signal.SIGCHLD].ChildStarted(waitedForByMain: !step.Spawns);
        return null;
    }

    private string? Shutdown()
    {
        SignalEvents.Shutdown();
        foreach (var signalModel in model.Signals.Values)
            signalModel.Shutdown();
        foreach (var id in model.Subscriptions.Keys.ToList())
            model.Subscriptions.Remove(id);
        // The dispatcher thread ends and the pipe closes; children's pipes close as they are reaped.
        bool threadGone = Poll.Until(() => ThreadMasks.All().Values.All(t => t.Name != ThreadMasks.DispatcherComm), SettleDeadline);
        if (!threadGone)
            return "[leak] the dispatcher thread still runs after Shutdown";
        bool fdsBack = Poll.Until(() => ThreadMasks.Descriptors().Count <= baseline.Descriptors.Count, SettleDeadline);
        if (!fdsBack)
            return $"[leak] after Shutdown these pipes/sockets are open: {string.Join(" ", ThreadMasks.Descriptors())}; after the first Shutdown: {string.Join(" ", baseline.Descriptors)}";
        // Polled like the dispatcher: a joined thread may stay listed in /proc for a moment after pthread_join.
        if (!Poll.Until(() => ThreadMasks.All().Values.All(t => t.Name != ThreadMasks.WakerComm), SettleDeadline))
            return "[leak] the signals-waker thread still runs after Shutdown";
        var names = ThreadMasks.NamesOutsideThreadPool();
        return names.Count <= baseline.Threads + Baseline.RuntimeThreadAllowance ? null
            : $"[leak] {names.Count} threads besides the thread pool's after Shutdown, {baseline.Threads} after the first one " +
              $"(allowed: {Baseline.RuntimeThreadAllowance} more the runtime may start): {string.Join(", ", names)}";
    }

    /// <summary>The invariants after a step.</summary>
    private string? Check(Step step)
    {
        if (problems.First() is { } problem)
            return problem;
        if (LiveSubscription.ChildrenStarted)
            model[Signal.SIGCHLD].ChildStarted(waitedForByMain: false);
        foreach (var signalModel in model.Signals.Values)
        {
            signalModel.Repair();
            if (KindFailure(step, signalModel) is { } kind)
                return kind;
        }
        if (step.Kind == StepKind.ProcessStart)
        {
            var child = model[Signal.SIGCHLD];
            Poll.Until(() => child.Subscriptions.All(s => s.Count >= s.Expected), Deadline);
        }
        foreach (var signalModel in model.Signals.Values)
            if (CountFailure(step, signalModel, null) is { } count)
                return count;
        return MaskFailure() ?? problems.First();
    }

    private static string? KindFailure(Step step, SignalModel signalModel)
    {
        var expected = signalModel.ExpectedKinds();
        SignalDisposition actual = SignalHandlers.Get(signalModel.Signal);
        // Repairs are explicit (RepairNow); what may still land late is System.Native's SIGCHLD handler, which
        // the first Process.Start installs, possibly from a callback on another thread.
        if (!expected.Contains(actual.Kind))
            Poll.Until(() => expected.Contains((actual = SignalHandlers.Get(signalModel.Signal)).Kind), SettleDeadline);
        if (!expected.Contains(actual.Kind))
            return $"[kind{(signalModel.IsChild ? "-sigchld" : "")}-{actual.Kind.ToString().ToLowerInvariant()}] after {step}: SignalHandlers.Get({Step.Name(signalModel.Signal)}) is {actual.Kind}, the model expects {Kinds(expected)} (model chain: {signalModel.Describe()})";
        int registered = signalModel.Subscriptions.Count;
        if (actual.Kind == SignalDispositionKind.Managed && actual.SubscriptionCount != registered)
            return $"[registry] after {step}: {Step.Name(signalModel.Signal)} reports {actual.SubscriptionCount} subscriptions, the sequence has {registered} live";
        return null;
    }

    private string? CountFailure(Step step, SignalModel signalModel, string? why)
    {
        string where = $"after {step}{(why is null ? "" : $" ({why})")}";
        foreach (var subscription in signalModel.Subscriptions)
        {
            long count = subscription.Count;
            bool ok = subscription.ExactCount ? count == subscription.Expected : count >= subscription.Expected;
            if (!ok)
                return $"[count] {where}: subscription #{subscription.Id} ({Step.Name(signalModel.Signal)} {subscription.Policy} {subscription.Target}{(subscription.IsHandler ? " handler" : "")}) received {count}, expected {(subscription.ExactCount ? "" : "at least ")}{subscription.Expected} (model chain: {signalModel.Describe()})";
        }
        if (signalModel.ForeignActive)
        {
            long count = foreign.Count(signalModel.Signal.Number) - signalModel.ForeignBase;
            if (count < signalModel.ForeignMin || count > signalModel.ForeignMax)
                return $"[foreign-count] {where}: the foreign handler on {Step.Name(signalModel.Signal)} ran {count} times, expected {Range(signalModel.ForeignMin, signalModel.ForeignMax)} (model chain: {signalModel.Describe()})";
        }
        foreach (var registration in signalModel.Registrations)
        {
            long count = registration.Count;
            if (count < registration.Min || count > registration.Max)
                return $"[posix-count] {where}: PosixSignalRegistration #{registration.Id} on {Step.Name(signalModel.Signal)} ran {count} times, expected {Range(registration.Min, registration.Max)} (model chain: {signalModel.Describe()})";
        }
        return null;
    }

    // A thread is born with every signal blocked until the runtime's start routine sets its mask, and
    // Process.Start blocks them around vfork: a mask must persist for half a second to count.
    private string? MaskFailure()
    {
        string? failure = null;
        Poll.Until(() => (failure = BlockedThread()) is null, TimeSpan.FromMilliseconds(500));
        return failure;
    }

    private string? BlockedThread()
    {
        foreach (var (tid, (blocked, name)) in ThreadMasks.All())
        {
            if (blocked == 0 || name == ThreadMasks.DispatcherComm || baseline.BlockedThreads.GetValueOrDefault(tid) == blocked)
                continue;
            return $"[sigblk-thread] thread {tid} '{name}' has SigBlk {blocked:x16}";
        }
        return null;
    }

    private static string Kinds(IEnumerable<SignalDispositionKind> kinds) => "{" + string.Join(", ", kinds.Order()) + "}";

    private static string Range(long min, long max) => min == max ? $"{min}" : $"{min}..{max}";
}
