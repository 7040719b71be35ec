namespace Signals;

/// <summary>
/// A <see cref="CancellationToken"/> that is cancelled when one of the signals arrives: the idiom for "run until
/// SIGTERM or Ctrl-C". The signals are handled (not passed on) while it lives. Dispose it to restore them.
/// </summary>
public sealed class SignalCancellation : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly SignalSubscription _subscription;
    private SignalEvent? _cause;

    /// <summary>Starts listening for <paramref name="signals"/>.</summary>
    public SignalCancellation(params IEnumerable<Signal> signals)
    {
        _subscription = SignalEvents.Subscribe(signals, OnSignal);
    }

    /// <summary>The signals it listens for, in the order given, each once.</summary>
    public IReadOnlyList<Signal> Signals => _subscription.Signals;

    /// <summary>Cancelled at the first delivery.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>The delivery that cancelled the token, once it has.</summary>
    public SignalEvent? Cause => _cause;

    private void OnSignal(SignalEvent signalEvent)
    {
        if (_cause is null)
        {
            _cause = signalEvent;
            _source.Cancel();
        }
    }

    /// <summary>
    /// Names the signals, like Go's <c>NotifyContext</c> stringer: <c>SignalCancellation(SIGTERM, SIGINT)</c>, and once
    /// cancelled <c>SignalCancellation(SIGTERM, SIGINT) cancelled by SIGTERM</c>.
    /// </summary>
    public override string ToString()
    {
        string text = $"{nameof(SignalCancellation)}({string.Join(", ", Signals)})";
        return _cause is { } cause ? $"{text} cancelled by {cause.Signal}" : text;
    }

    /// <summary>Stops listening. Idempotent.</summary>
    public void Dispose()
    {
        _subscription.Dispose();
        _source.Dispose();
    }
}
