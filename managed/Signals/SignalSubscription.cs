using System.Runtime.CompilerServices;
using Signals.Dispatch;

namespace Signals;

/// <summary>
/// A live subscription to one or more signals. Dispose it to stop receiving; when the last subscription
/// of a signal goes, the action that was there before is restored. Dispose is idempotent and may be
/// called from inside the callback. <see cref="SignalEvents.Shutdown"/> disposes every subscription.
/// </summary>
public sealed class SignalSubscription : IDisposable
{
    private readonly Action<SignalEvent> _callback;
    private readonly SynchronizationContext? _context;
    private readonly HashSet<uint>? _allowedUids;
    private readonly HashSet<int>? _allowedPids;
    private long _received;
    private long _rejected;
    private int _disposed;

    internal SignalSubscription(Signal[] signals, Action<SignalEvent> callback, SubscriptionOptions options)
    {
        // Comparisons, not Enum.IsDefined: that generic method is JIT-compiled per enum at the first Subscribe.
        if (options.Policy is not (SignalPolicy.Handle or SignalPolicy.Observe))
            throw new ArgumentOutOfRangeException(nameof(options), options.Policy, "SubscriptionOptions.Policy must be SignalPolicy.Handle or SignalPolicy.Observe.");
        if (options.Target is not (CallbackTarget.Dispatcher or CallbackTarget.ThreadPool or CallbackTarget.SynchronizationContext))
            throw new ArgumentOutOfRangeException(nameof(options), options.Target, "SubscriptionOptions.Target must be Dispatcher, ThreadPool or SynchronizationContext.");
        SignalArray = signals;
        _callback = callback;
        Options = options;
        _allowedUids = options.AllowedSenderUids is null ? null : UidSet(options.AllowedSenderUids);
        _allowedPids = options.AllowedSenderPids is null ? null : PidSet(options.AllowedSenderPids);
        if (options.Target == CallbackTarget.SynchronizationContext)
            _context = SynchronizationContext.Current ?? throw new InvalidOperationException(
                "CallbackTarget.SynchronizationContext needs a SynchronizationContext on the subscribing thread; there is none.");
    }

    // Not inlined, so that the constructor's precompiled code does not name HashSet: a process whose
    // subscriptions have no sender policy then never loads System.Collections (bench: rss_added_mb).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static HashSet<uint> UidSet(IReadOnlyCollection<uint> uids) => new(uids);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static HashSet<int> PidSet(IReadOnlyCollection<int> pids) => new(pids);

    /// <summary>The signals this subscription receives.</summary>
    public IReadOnlyList<Signal> Signals => SignalArray;

    // The same, for the library's loops: going through IReadOnlyList<Signal> would JIT the array's generic
    // interface code for Signal at the first Subscribe of a process.
    internal Signal[] SignalArray { get; }

    /// <summary>The options it was made with.</summary>
    public SubscriptionOptions Options { get; }

    /// <summary>
    /// Deliveries accepted for the callback (a coalesced event counts as its <see cref="SignalEvent.Count"/>).
    /// With <see cref="CallbackTarget.ThreadPool"/> or <see cref="CallbackTarget.SynchronizationContext"/>, a
    /// delivery is counted when it is handed off; one whose hand-off failed is not counted, and one that
    /// reaches the callback's thread after <see cref="Dispose"/> is counted but not run.
    /// </summary>
    public long ReceivedCount => Interlocked.Read(ref _received);

    /// <summary>Deliveries dropped by the sender policy.</summary>
    public long RejectedCount => Interlocked.Read(ref _rejected);

    /// <summary>Whether <see cref="Dispose"/> was called.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    internal Action<SignalEvent> Callback => _callback;

    /// <summary>
    /// Stops receiving. Idempotent; safe from inside the callback and from any thread. Once Dispose has
    /// returned, no new callback of this subscription starts, whatever the target: a delivery already handed
    /// to the ThreadPool or a SynchronizationContext is dropped when it gets there. A callback that was
    /// already running when Dispose was called may still be running after it returns: Dispose does not wait
    /// for it, because the caller may be that very callback (disposing from inside a callback is allowed).
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            SignalRegistry.Remove(this);
    }

    /// <summary>Marks it disposed without touching the registry, which <see cref="SignalEvents.Shutdown"/> clears at once.</summary>
    internal void MarkDisposed() => Volatile.Write(ref _disposed, 1);

    /// <summary>
    /// Called by the dispatcher for each event of one of <see cref="Signals"/>. False when this subscription was
    /// disposed before its callback could start: the event did not reach it (it may be owed to the restored action,
    /// SignalDispatcher). <paramref name="onlySubscriber"/>: nobody else got it, so a hand-off that reaches a
    /// disposed subscription later gives it on to the restored action itself.
    /// </summary>
    internal bool Deliver(in SignalEvent signalEvent, bool onlySubscriber)
    {
        if (IsDisposed)
            return false;
        if (!Accepts(signalEvent))
        {
            Interlocked.Add(ref _rejected, signalEvent.Count);
            SignalsMeter.RejectedDelivery(signalEvent);
            Report(signalEvent);
            return true; // decided by the subscription's own sender policy
        }
        Interlocked.Add(ref _received, signalEvent.Count);
        if (Options.Target == CallbackTarget.Dispatcher)
            return Invoke(signalEvent); // false: Dispose came between the check above and the callback
        try
        {
            HandOff(signalEvent, onlySubscriber);
        }
        catch (Exception exception)
        {
            // A SynchronizationContext whose Post throws (it was shut down, say) must not end the dispatcher:
            // this delivery is lost to this subscription, reported, and the next one is tried again.
            Interlocked.Add(ref _received, -signalEvent.Count);
            SignalEvents.ReportCallbackFailure(this, signalEvent, exception);
        }
        return true;
    }

    private void HandOff(in SignalEvent signalEvent, bool onlySubscriber)
    {
        if (Options.Target == CallbackTarget.ThreadPool)
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Subscription.InvokeHandedOff(state.Event, state.Only),
                (Subscription: this, Event: signalEvent, Only: onlySubscriber), preferLocal: false);
        else
            _context!.Post(static state => { var (subscription, e, only) = ((SignalSubscription, SignalEvent, bool))state!; subscription.InvokeHandedOff(e, only); },
                (this, signalEvent, onlySubscriber));
    }

    // A hand-off that finds the subscription disposed does not run the callback (what Dispose promises); a delivery
    // nobody else got, and that a Handle policy kept from the previous action, then goes to the restored action.
    private void InvokeHandedOff(in SignalEvent signalEvent, bool onlySubscriber)
    {
        if (!Invoke(signalEvent) && onlySubscriber && signalEvent.CameUnderHandle)
            SignalDispatcher.HandOnToCurrentAction(signalEvent);
    }

    // A sender policy vouches only for what the kernel vouches for (SignalEvent.IsSenderVerified): si_pid and
    // si_uid of SI_QUEUE and other user codes are whatever the sender wrote. Coalesced events carry no sender.
    private bool Accepts(in SignalEvent signalEvent) =>
        (_allowedUids is null || (signalEvent.IsSenderVerified && _allowedUids.Contains(signalEvent.SenderUid))) &&
        (_allowedPids is null || (signalEvent.IsSenderVerified && _allowedPids.Contains(signalEvent.SenderPid)));

    private void Report(in SignalEvent signalEvent)
    {
        if (Options.OnRejected is { } onRejected)
        {
            try { onRejected(signalEvent); }
            catch (Exception exception) { SignalEvents.ReportCallbackFailure(this, signalEvent, exception); }
        }
        else
        {
            StandardErrorReport.Write($"dropped {signalEvent}: the sender is not allowed by this subscription's sender policy.");
        }
    }

    private bool Invoke(in SignalEvent signalEvent)
    {
        // What Dispose promises: a delivery handed off before Dispose but reaching here after it does not run.
        if (IsDisposed)
            return false;
        SignalsMeter.CallbackStarting(signalEvent);
        try
        {
            _callback(signalEvent);
        }
        catch (Exception exception)
        {
            SignalEvents.ReportCallbackFailure(this, signalEvent, exception);
        }
        if (Options.ExitBySignalAfterCallback)
            SignalTermination.ExitBySignal(signalEvent.Signal);
        return true;
    }
}
