namespace Signals.Diagnostics;

/// <summary>
/// A signal that writes thread stacks (<see cref="SignalDiagnostics.SubscribeThreadStacks(Signal, TextWriter, SubscriptionOptions?)"/>)
/// or a dump (<see cref="SignalDiagnostics.SubscribeDumps"/>). Dispose removes the subscription; a report or dump already
/// being written finishes.
/// </summary>
public sealed class DiagnosticsSubscription : IDisposable
{
    private readonly SignalSubscription _subscription;
    private readonly Action<string> _write;
    private int _busy;
    private long _skipped;
    private long _written;

    private readonly string _threadName;

    internal DiagnosticsSubscription(Signal signal, Action<string> write, SubscriptionOptions? options, string threadName = "Signals thread stacks")
    {
        _write = write;
        _threadName = threadName;
        var source = options ?? new SubscriptionOptions();
        // Our callback only hands off, so it runs on the dispatcher whatever the caller's target was.
        var ours = new SubscriptionOptions
        {
            Policy = source.Policy,
            Target = CallbackTarget.Dispatcher,
            AllowedSenderUids = source.AllowedSenderUids,
            AllowedSenderPids = source.AllowedSenderPids,
            OnRejected = source.OnRejected,
        };
        _subscription = SignalEvents.Subscribe(signal, OnSignal, ours);
    }

    /// <summary>Deliveries skipped because a report or dump was being written.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>Reports or dumps written (or failed with a message) so far.</summary>
    public long Written => Interlocked.Read(ref _written);

    private void OnSignal(SignalEvent signalEvent)
    {
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            Interlocked.Increment(ref _skipped);
            return;
        }
        string reason = $"{signalEvent.Signal} from pid {signalEvent.SenderPid} uid {signalEvent.SenderUid} (verified {signalEvent.IsSenderVerified})";
        new Thread(() =>
        {
            try { _write(reason); }
            catch (Exception exception) { Console.Error.WriteLine($"Signals.Diagnostics: writing thread stacks or a dump failed: {exception}"); }
            finally
            {
                Interlocked.Increment(ref _written);
                Volatile.Write(ref _busy, 0);
            }
        })
        { Name = _threadName, IsBackground = true }.Start();
    }

    /// <inheritdoc />
    public void Dispose() => _subscription.Dispose();
}
