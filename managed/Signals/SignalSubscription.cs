using Signals.Dispatch;

namespace Signals;

/// <summary>
/// A live subscription to one or more signals. Dispose it to stop receiving; when the last subscription
/// of a signal goes, the action that was there before is restored. Dispose is idempotent and may be
/// called from inside the callback.
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

    internal SignalSubscription(IReadOnlyList<Signal> signals, Action<SignalEvent> callback, SubscriptionOptions options)
    {
        if (!Enum.IsDefined(options.Policy))
            throw new ArgumentOutOfRangeException(nameof(options), options.Policy, "SubscriptionOptions.Policy must be SignalPolicy.Handle or SignalPolicy.Observe.");
        if (!Enum.IsDefined(options.Target))
            throw new ArgumentOutOfRangeException(nameof(options), options.Target, "SubscriptionOptions.Target must be Dispatcher, ThreadPool or SynchronizationContext.");
        Signals = signals;
        _callback = callback;
        Options = options;
        _allowedUids = options.AllowedSenderUids is null ? null : new HashSet<uint>(options.AllowedSenderUids);
        _allowedPids = options.AllowedSenderPids is null ? null : new HashSet<int>(options.AllowedSenderPids);
        if (options.Target == CallbackTarget.SynchronizationContext)
            _context = SynchronizationContext.Current ?? throw new InvalidOperationException(
                "CallbackTarget.SynchronizationContext needs a SynchronizationContext on the subscribing thread; there is none.");
    }

    /// <summary>The signals this subscription receives.</summary>
    public IReadOnlyList<Signal> Signals { get; }

    /// <summary>The options it was made with.</summary>
    public SubscriptionOptions Options { get; }

    /// <summary>Deliveries passed to the callback (a coalesced event counts as its <see cref="SignalEvent.Count"/>).</summary>
    public long ReceivedCount => Interlocked.Read(ref _received);

    /// <summary>Deliveries dropped by the sender policy.</summary>
    public long RejectedCount => Interlocked.Read(ref _rejected);

    /// <summary>Whether <see cref="Dispose"/> was called.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    internal Action<SignalEvent> Callback => _callback;

    /// <summary>Stops receiving. Idempotent; safe from inside the callback and from any thread.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            SignalRegistry.Remove(this);
    }

    /// <summary>Called by the dispatcher for each event of one of <see cref="Signals"/>.</summary>
    internal void Deliver(in SignalEvent signalEvent)
    {
        if (IsDisposed)
            return;
        if (!Accepts(signalEvent))
        {
            Interlocked.Add(ref _rejected, signalEvent.Count);
            Report(signalEvent);
            return;
        }
        Interlocked.Add(ref _received, signalEvent.Count);
        switch (Options.Target)
        {
            case CallbackTarget.Dispatcher:
                Invoke(signalEvent);
                break;
            case CallbackTarget.ThreadPool:
                ThreadPool.UnsafeQueueUserWorkItem(static state => state.Subscription.Invoke(state.Event),
                    (Subscription: this, Event: signalEvent), preferLocal: false);
                break;
            case CallbackTarget.SynchronizationContext:
                _context!.Post(static state => { var (subscription, e) = ((SignalSubscription, SignalEvent))state!; subscription.Invoke(e); },
                    (this, signalEvent));
                break;
        }
    }

    // Coalesced events carry no sender: a sender policy cannot vouch for them, so they are dropped too.
    private bool Accepts(in SignalEvent signalEvent) =>
        (_allowedUids is null || (!signalEvent.IsCoalesced && _allowedUids.Contains(signalEvent.SenderUid))) &&
        (_allowedPids is null || (!signalEvent.IsCoalesced && _allowedPids.Contains(signalEvent.SenderPid)));

    private void Report(in SignalEvent signalEvent)
    {
        if (Options.OnRejected is { } onRejected)
        {
            try { onRejected(signalEvent); }
            catch (Exception exception) { SignalEvents.ReportCallbackFailure(this, signalEvent, exception); }
        }
        else
        {
            Console.Error.WriteLine($"Signals: dropped {signalEvent}: the sender is not allowed by this subscription's sender policy.");
        }
    }

    private void Invoke(in SignalEvent signalEvent)
    {
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
    }
}
