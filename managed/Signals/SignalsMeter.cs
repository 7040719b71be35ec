using System.Diagnostics.Metrics;
using Signals.Dispatch;

namespace Signals;

/// <summary>
/// The System.Diagnostics.Metrics meter of the library, for OpenTelemetry, <c>dotnet-counters</c> or a
/// <see cref="MeterListener"/>. Instruments (every one but the dropped records tagged <c>signal</c> = the
/// signal's <see cref="Signal.Name"/>): <c>signals.deliveries</c> (deliveries dispatched, a coalesced event
/// counting as its <see cref="SignalEvent.Count"/>), <c>signals.coalesced</c> (the part of them that came
/// coalesced), <c>signals.rejected</c> (dropped by a subscription's sender policy),
/// <c>signals.dropped_records</c> (observable: <see cref="SignalEvents.DroppedRecords"/>),
/// <c>signals.callback_failures</c>, <c>signals.tamper_repairs</c>, and the histogram
/// <c>signals.callback_latency</c> (ms from the handler to the callback starting).
/// </summary>
public static class SignalsMeter
{
    /// <summary>The meter's name: "Signals".</summary>
    public const string Name = "Signals";

    // One process-wide meter: the dispatcher is process-wide too. Add with one tag and no listener costs
    // a check of Enabled and no allocation, so the dispatcher path stays allocation-free.
    private static readonly Meter Meter = new(Name);

    internal static readonly Counter<long> Deliveries =
        Meter.CreateCounter<long>("signals.deliveries", "{delivery}", "Signal deliveries dispatched (a coalesced event counts as its Count).");

    internal static readonly Counter<long> Coalesced =
        Meter.CreateCounter<long>("signals.coalesced", "{delivery}", "Deliveries that reached the dispatcher coalesced (their details lost to a full pipe).");

    internal static readonly Counter<long> Rejected =
        Meter.CreateCounter<long>("signals.rejected", "{delivery}", "Deliveries dropped by a subscription's sender policy.");

    internal static readonly Counter<long> CallbackFailures =
        Meter.CreateCounter<long>("signals.callback_failures", "{failure}", "Callbacks (or hand-offs) that threw.");

    internal static readonly Counter<long> TamperRepairs =
        Meter.CreateCounter<long>("signals.tamper_repairs", "{repair}", "Handlers reinstalled where someone put SIG_DFL or SIG_IGN over ours.");

    internal static readonly Histogram<double> CallbackLatency =
        Meter.CreateHistogram<double>("signals.callback_latency", "ms", "Time from the signal handler to the callback starting.");

    static SignalsMeter()
    {
        // Read only when a listener collects, never on the dispatcher path.
        Meter.CreateObservableCounter("signals.dropped_records", () => SignalEvents.DroppedRecords, "{record}",
            "Records dropped because our handler did not write them (SignalEvents.DroppedRecords).");
    }

    internal static KeyValuePair<string, object?> Tag(Signal signal) => new("signal", signal.Name);

    /// <summary>Called by the dispatcher once per event, before the subscriptions.</summary>
    internal static void Dispatched(in SignalEvent signalEvent)
    {
        Deliveries.Add(signalEvent.Count, Tag(signalEvent.Signal));
        if (signalEvent.IsCoalesced)
            Coalesced.Add(signalEvent.Count, Tag(signalEvent.Signal));
    }

    /// <summary>Called just before a callback starts.</summary>
    internal static void CallbackStarting(in SignalEvent signalEvent)
    {
        if (CallbackLatency.Enabled)
            CallbackLatency.Record(signalEvent.Age.TotalMilliseconds, Tag(signalEvent.Signal));
    }
}
