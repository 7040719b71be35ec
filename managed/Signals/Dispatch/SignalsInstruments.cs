using System.Diagnostics.Metrics;

namespace Signals.Dispatch;

/// <summary>
/// The instruments of <see cref="SignalsMeter"/>, built on one <see cref="System.Diagnostics.Metrics.Meter"/>:
/// the process-wide static one, or the one a host's IMeterFactory created (<see cref="SignalsMeter.UseMeterFactory"/>).
/// Only the set that <see cref="SignalsMeter"/> calls current is ever written to, so a listener that enables every
/// meter named "Signals" never sees a delivery twice; the observable counter of a set that is not current reports
/// nothing for the same reason.
/// </summary>
internal sealed class SignalsInstruments
{
    private static readonly Measurement<long>[] NoMeasurement = [];

    public SignalsInstruments(Meter meter)
    {
        Meter = meter;
        Deliveries = meter.CreateCounter<long>("signals.deliveries", "{delivery}", "Signal deliveries dispatched (a coalesced event counts as its Count).");
        Coalesced = meter.CreateCounter<long>("signals.coalesced", "{delivery}", "Deliveries that reached the dispatcher coalesced (their details lost to a full record ring).");
        Rejected = meter.CreateCounter<long>("signals.rejected", "{delivery}", "Deliveries dropped by a subscription's sender policy.");
        CallbackFailures = meter.CreateCounter<long>("signals.callback_failures", "{failure}", "Callbacks (or hand-offs) that threw.");
        TamperRepairs = meter.CreateCounter<long>("signals.tamper_repairs", "{repair}", "Handlers reinstalled where someone put SIG_DFL or SIG_IGN over ours.");
        CallbackLatency = meter.CreateHistogram<double>("signals.callback_latency", "ms", "Time from the signal handler to the callback starting.");
        // Read only when a listener collects, never on the dispatcher path. Asked by meter, not by this object:
        // a factory hands out one Meter per name, so two attachments of one factory share it (and its instruments).
        meter.CreateObservableCounter("signals.dropped_records",
            () => ReferenceEquals(SignalsMeter.Current.Meter, meter)
                ? [new Measurement<long>(SignalEvents.DroppedRecords)]
                : NoMeasurement,
            "{record}", "Records dropped because our handler did not write them (SignalEvents.DroppedRecords).");
    }

    public Meter Meter { get; }
    public Counter<long> Deliveries { get; }
    public Counter<long> Coalesced { get; }
    public Counter<long> Rejected { get; }
    public Counter<long> CallbackFailures { get; }
    public Counter<long> TamperRepairs { get; }
    public Histogram<double> CallbackLatency { get; }
}
