namespace Signals;

/// <summary>
/// Python's <c>set_wakeup_fd</c> for .NET event loops: a <see cref="System.Threading.WaitHandle"/> that is set
/// when one of the signals arrives, and an awaitable <see cref="WaitAsync"/>. It observes: the signals keep
/// whatever behaviour they had. Dispose it to stop.
/// </summary>
public sealed class SignalWakeup : IDisposable
{
    private readonly AutoResetEvent _event = new(false);
    private readonly SignalSubscription _subscription;
    private readonly object _gate = new();
    private TaskCompletionSource? _next;
    private long _count;
    private bool _disposed;

    /// <summary>Starts watching <paramref name="signals"/>.</summary>
    public SignalWakeup(params IEnumerable<Signal> signals)
    {
        _subscription = SignalEvents.Subscribe(signals, OnSignal, new SubscriptionOptions { Policy = SignalPolicy.Observe });
    }

    /// <summary>Set (auto-reset) each time one of the signals arrives.</summary>
    public WaitHandle WaitHandle => _event;

    /// <summary>How many deliveries arrived since this wakeup was created.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Completes at the next delivery after this call.</summary>
    /// <exception cref="ObjectDisposedException">The wakeup was disposed (also ends a pending wait).</exception>
    public Task WaitAsync(CancellationToken cancellationToken = default)
    {
        Task next;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            next = _next.Task;
        }
        return next.WaitAsync(cancellationToken);
    }

    private void OnSignal(SignalEvent signalEvent)
    {
        Interlocked.Add(ref _count, signalEvent.Count);
        TaskCompletionSource? next;
        lock (_gate)
        {
            if (_disposed)
                return; // a delivery already in flight when Dispose ran
            _event.Set();
            next = _next;
            _next = null;
        }
        next?.TrySetResult();
    }

    /// <summary>Stops watching; a pending <see cref="WaitAsync"/> fails with <see cref="ObjectDisposedException"/>. Idempotent.</summary>
    public void Dispose()
    {
        TaskCompletionSource? pending;
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            pending = _next;
            _next = null;
        }
        _subscription.Dispose();
        pending?.TrySetException(new ObjectDisposedException(nameof(SignalWakeup)));
        _event.Dispose();
    }
}
