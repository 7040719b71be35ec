using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Signals.Tests.Support;

/// <summary>
/// Listens to every meter named "Signals" (the static one and any an IMeterFactory created) and sums the long
/// measurements per meter, instrument and <c>signal</c> tag, so a test can tell which meter counted what.
/// </summary>
internal sealed class MeterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(Meter Meter, string Instrument, string? Signal), long> _sums = new();

    public MeterRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SignalsMeter.Name)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? signal = null;
            foreach (var tag in tags)
                if (tag.Key == "signal")
                    signal = (string?)tag.Value;
            _sums.AddOrUpdate((instrument.Meter, instrument.Name, signal), value, (_, sum) => sum + value);
        });
        _listener.Start();
    }

    /// <summary>The meters named "Signals" that measured anything so far.</summary>
    public IReadOnlyCollection<Meter> Meters => _sums.Keys.Select(key => key.Meter).Distinct().ToArray();

    /// <summary>The sum of <paramref name="instrument"/> for <paramref name="signal"/> on the meters that <paramref name="meter"/> selects.</summary>
    public long Sum(string instrument, Signal signal, Func<Meter, bool> meter) =>
        _sums.Where(entry => meter(entry.Key.Meter) && entry.Key.Instrument == instrument && entry.Key.Signal == signal.Name)
            .Sum(entry => entry.Value);

    /// <summary>The sum of <paramref name="instrument"/> for <paramref name="signal"/> on every meter named "Signals".</summary>
    public long Sum(string instrument, Signal signal) => Sum(instrument, signal, _ => true);

    /// <summary>The sum of <paramref name="instrument"/> over every signal tag and meter.</summary>
    public long Total(string instrument) =>
        _sums.Where(entry => entry.Key.Instrument == instrument).Sum(entry => entry.Value);

    /// <summary>Every (meter, instrument, signal) sum, for a failure message.</summary>
    public override string ToString() =>
        string.Join("; ", _sums.Select(entry => $"{entry.Key.Meter.Name}(scope {entry.Key.Meter.Scope?.GetType().Name ?? "none"}) {entry.Key.Instrument} {entry.Key.Signal}={entry.Value}"));

    public void Dispose() => _listener.Dispose();
}
