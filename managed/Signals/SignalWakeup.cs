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
    public Task WaitAsync(CancellationToken cancellationToken = default)
    {
        Task next;
        lock (_gate)
        {
            _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            next = _next.Task;
        }
        return next.WaitAsync(cancellationToken);
    }

    private void OnSignal(SignalEvent signalEvent)
    {
        Interlocked.Add(ref _count, signalEvent.Count);
        _event.Set();
        TaskCompletionSource? next;
        lock (_gate)
        {
            next = _next;
            _next = null;
        }
        next?.TrySetResult();
    }

    /// <summary>Stops watching. Idempotent.</summary>
    public void Dispose()
    {
        _subscription.Dispose();
        _event.Dispose();
    }
}
