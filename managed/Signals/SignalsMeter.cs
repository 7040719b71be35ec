using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
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
/// <para>
/// The measurements go to exactly one meter named <see cref="Name"/> at a time: a process-wide static meter
/// (its <see cref="Meter.Scope"/> is null) until a host attaches the meter of its <see cref="IMeterFactory"/>
/// with <see cref="UseMeterFactory"/> (Signals.Hosting's <c>AddSignals()</c> does), so a listener that enables
/// every meter of that name never counts a delivery twice.
/// </para>
/// <para>
/// Deliveries never depend on the meter: the first measurement that throws (its assembly could not be loaded at the
/// first delivery because the process had no free descriptor, or a MeterListener's callback threw) turns the
/// measurements off for the rest of the process, with one line on standard error.
/// </para>
/// </summary>
public static class SignalsMeter
{
    /// <summary>The meter's name: "Signals".</summary>
    public const string Name = "Signals";

    // The static meter, used whenever no factory's meter is attached. Never disposed: the dispatcher is process-wide too.
    private static readonly SignalsInstruments Default = CreateDefault();

    // Live attachments, oldest first; guarded by itself. The newest one is the current meter.
    private static readonly List<MeterAttachment> Attachments = [];

    // One instrument set per Meter, for as long as the Meter lives: a factory hands out one Meter per name, so a
    // second attach of the same factory (also after the first was disposed) must reuse the instruments already
    // published on it. A second set would publish every instrument twice, and its observable counter would report
    // beside the first one at each collection. Guarded by Attachments.
    private static readonly ConditionalWeakTable<Meter, SignalsInstruments> InstrumentsByMeter = new();

    // What the dispatcher writes to: one volatile read per measurement, no lock and no allocation. Add with one
    // tag and no listener costs a check of Enabled, so the dispatcher path stays allocation-free.
    private static volatile SignalsInstruments _current = Default;

    internal static SignalsInstruments Current => _current;

    /// <summary>
    /// Makes the meter named <see cref="Name"/> that <paramref name="meterFactory"/> creates the one that counts,
    /// instead of the static meter, until the returned handle is disposed; then the previous one counts again
    /// (another live attachment, else the static meter). A second attach, from another factory or another host in
    /// the same process, takes over while it lives (the newest live attachment counts); attaching the same factory
    /// twice shares its one meter and its one set of instruments (one measurement per collection). Dispose the handle no later than the factory: after the factory (the host's
    /// service provider) is disposed, its meter reports nothing, so a handle left attached loses the counts until
    /// it is disposed. Signals.Hosting attaches when the host starts and detaches when it is disposed.
    /// Measurements already started on the previous meter (a callback running during the switch) finish there.
    /// </summary>
    /// <param name="meterFactory">The factory, usually the host's <see cref="IMeterFactory"/> service.</param>
    /// <returns>The attachment; disposing it (idempotent) hands the counting back.</returns>
    public static IDisposable UseMeterFactory(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(new MeterOptions(Name));
        lock (Attachments)
        {
            var attachment = new MeterAttachment(InstrumentsByMeter.GetValue(meter, static created => new SignalsInstruments(created)));
            Attachments.Add(attachment);
            _current = attachment.Instruments;
            return attachment;
        }
    }

    internal static void Detach(MeterAttachment attachment)
    {
        lock (Attachments)
        {
            Attachments.Remove(attachment);
            _current = Attachments.Count > 0 ? Attachments[^1].Instruments : Default;
        }
    }

    internal static KeyValuePair<string, object?> Tag(Signal signal) => new("signal", signal.Name);

    // The measurements, made from the dispatcher and from callbacks' threads. Each goes through a guard: a meter that
    // fails (its assembly failing to load at the first delivery when descriptors have run out, a MeterListener that
    // throws) turns the metrics off with one report (MeterFailure) and never reaches the delivery. The guard reads no
    // static field of this type, and the work is in a method of its own, so that this type's own initialisation
    // error is raised inside the guard.

    /// <summary>Called by the dispatcher once per event, before the subscriptions.</summary>
    internal static void Dispatched(in SignalEvent signalEvent)
    {
        if (MeterFailure.IsOff)
            return;
        try { MeasureDispatched(signalEvent); }
        catch (Exception exception) { MeterFailure.TurnOff(exception); }
    }

    private static SignalsInstruments CreateDefault()
    {
        var instruments = new SignalsInstruments(new Meter(Name));
        MeterFailure.MarkLoaded();
        return instruments;
    }

    /// <summary>
    /// Called just before a callback starts. Nothing to record before the meter exists: no listener can have
    /// enabled an instrument not yet made (so the first delivery's callback never waits for the meter to load).
    /// </summary>
    internal static void CallbackStarting(in SignalEvent signalEvent)
    {
        if (MeterFailure.IsOff || !MeterFailure.IsLoaded)
            return;
        try { MeasureCallbackStarting(signalEvent); }
        catch (Exception exception) { MeterFailure.TurnOff(exception); }
    }

    /// <summary>A subscription's sender policy dropped a delivery.</summary>
    internal static void RejectedDelivery(in SignalEvent signalEvent)
    {
        if (MeterFailure.IsOff)
            return;
        try { MeasureRejected(signalEvent); }
        catch (Exception exception) { MeterFailure.TurnOff(exception); }
    }

    /// <summary>A callback (or its hand-off) threw.</summary>
    internal static void CallbackFailed(Signal signal)
    {
        if (MeterFailure.IsOff)
            return;
        try { MeasureCallbackFailed(signal); }
        catch (Exception exception) { MeterFailure.TurnOff(exception); }
    }

    /// <summary>Our handler was reinstalled over a SIG_DFL or SIG_IGN someone put there.</summary>
    internal static void TamperRepaired(Signal signal)
    {
        if (MeterFailure.IsOff)
            return;
        try { MeasureTamperRepaired(signal); }
        catch (Exception exception) { MeterFailure.TurnOff(exception); }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MeasureDispatched(in SignalEvent signalEvent)
    {
        var instruments = Current;
        instruments.Deliveries.Add(signalEvent.Count, Tag(signalEvent.Signal));
        if (signalEvent.IsCoalesced)
            instruments.Coalesced.Add(signalEvent.Count, Tag(signalEvent.Signal));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MeasureCallbackStarting(in SignalEvent signalEvent)
    {
        var latency = Current.CallbackLatency;
        if (latency.Enabled)
            latency.Record(signalEvent.Age.TotalMilliseconds, Tag(signalEvent.Signal));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MeasureRejected(in SignalEvent signalEvent) =>
        Current.Rejected.Add(signalEvent.Count, Tag(signalEvent.Signal));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MeasureCallbackFailed(Signal signal) => Current.CallbackFailures.Add(1, Tag(signal));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MeasureTamperRepaired(Signal signal) => Current.TamperRepairs.Add(1, Tag(signal));
}
