namespace Signals.Demo.Serve;

/// <summary>What the service has received: deliveries per signal and the last sender. Thread-safe.</summary>
public sealed class SignalLedger(IReadOnlyList<Signal> signals)
{
    private readonly object _gate = new();
    private readonly Dictionary<Signal, long> _deliveries = signals.ToDictionary(signal => signal, _ => 0L);
    private SignalEvent? _last;

    /// <summary>Counts one delivery (or N for a coalesced event) and remembers its sender.</summary>
    public void Record(in SignalEvent signalEvent)
    {
        lock (_gate)
        {
            _deliveries[signalEvent.Signal] = _deliveries.GetValueOrDefault(signalEvent.Signal) + signalEvent.Count;
            _last = signalEvent;
        }
    }

    /// <summary>"SIGHUP 1, SIGINT 0, ...", in signal-number order.</summary>
    public string DeliveriesText()
    {
        lock (_gate)
            return string.Join(", ", _deliveries.OrderBy(pair => pair.Key).Select(pair => $"{pair.Key} {pair.Value}"));
    }

    /// <summary>"pid N uid M (SIGNAME)" for the last delivery, or "none yet".</summary>
    public string LastSenderText()
    {
        lock (_gate)
            return _last is { } last ? $"pid {last.SenderPid} uid {last.SenderUid} ({last.Signal})" : "none yet";
    }
}
