namespace Signals;

/// <summary>
/// One <see cref="SignalForwarding"/>: while it lives, each delivery of <see cref="Signals"/> is sent on to its target.
/// Dispose it (idempotent) to stop; a forwarder that owns its pidfd (made from a <see cref="System.Diagnostics.Process"/>)
/// closes it then.
/// </summary>
public sealed class SignalForwarder : IDisposable
{
    private readonly ProcessHandle? _handle;
    private readonly bool _ownsHandle;
    private readonly int _processGroup;
    private readonly SignalSubscription _subscription;
    private long _forwarded;
    private long _undeliverable;

    internal SignalForwarder(IEnumerable<Signal> signals, string target, ProcessHandle? handle, bool ownsHandle, int processGroup, SubscriptionOptions? options)
    {
        Target = target;
        _handle = handle;
        _ownsHandle = ownsHandle;
        _processGroup = processGroup;
        _subscription = SignalEvents.Subscribe(signals, OnSignal, options);
    }

    /// <summary>The signals it forwards.</summary>
    public IReadOnlyList<Signal> Signals => _subscription.Signals;

    /// <summary>Where they go: "process 1234" or "process group 1234".</summary>
    public string Target { get; }

    /// <summary>Signals sent on so far (a coalesced delivery of Count N counts N).</summary>
    public long Forwarded => Interlocked.Read(ref _forwarded);

    /// <summary>Signals that could not be sent because the target had exited (the process, or every member of the group).</summary>
    public long Undeliverable => Interlocked.Read(ref _undeliverable);

    private void OnSignal(SignalEvent signalEvent)
    {
        for (int i = 0; i < signalEvent.Count; i++)
        {
            try
            {
                if (_handle is not null)
                    SignalSender.Kill(_handle, signalEvent.Signal);
                else
                    SignalSender.Kill(-_processGroup, signalEvent.Signal);
                Interlocked.Increment(ref _forwarded);
            }
            // The process exited (pidfd: InvalidOperationException), the handle was closed, or no member of the group
            // is left (kill: ESRCH, an ArgumentException).
            catch (Exception exception) when (exception is InvalidOperationException or ObjectDisposedException or ArgumentException)
            {
                Interlocked.Increment(ref _undeliverable);
            }
        }
    }

    /// <summary>"SignalForwarder(SIGTERM, SIGINT -> process 1234)".</summary>
    public override string ToString() => $"{nameof(SignalForwarder)}({string.Join(", ", Signals)} -> {Target})";

    /// <summary>Stops forwarding; no send starts after it returns. Idempotent.</summary>
    public void Dispose()
    {
        _subscription.Dispose();
        if (_ownsHandle)
            _handle?.Dispose();
    }
}
