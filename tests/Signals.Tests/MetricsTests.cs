using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.InteropServices;

namespace Signals.Tests;

/// <summary>The "Signals" meter (<see cref="SignalsMeter"/>), read with a MeterListener while real signals arrive.</summary>
[TestFixture, NonParallelizable]
public class MetricsTests
{
    private static readonly Signal Sig = Signal.SIGUSR2;

    /// <summary>Sums of the long instruments and the latency values, for measurements tagged with <see cref="Sig"/>.</summary>
    private sealed class Recorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        public readonly ConcurrentDictionary<string, long> Sums = new();
        public readonly ConcurrentQueue<double> Latencies = new();

        public Recorder()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == SignalsMeter.Name)
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                if (IsOurs(tags))
                    Sums.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value);
            });
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
            {
                if (IsOurs(tags) && instrument.Name == "signals.callback_latency")
                    Latencies.Enqueue(value);
            });
            _listener.Start();
        }

        private static bool IsOurs(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
                if (tag.Key == "signal" && (string?)tag.Value == Sig.Name)
                    return true;
            return false;
        }

        public long Sum(string name) => Sums.TryGetValue(name, out long sum) ? sum : 0;

        public void Dispose() => _listener.Dispose();
    }

    [Test]
    public void DeliveriesAndLatencyAreRecordedPerSignal()
    {
        using var scope = new SignalScope(Sig); // its guard subscription is a second callback per delivery
        using var recorder = new Recorder();
        int received = 0;
        using var subscription = SignalEvents.Subscribe(Sig, _ => Interlocked.Increment(ref received));
        for (int i = 1; i <= 3; i++)
        {
            // One at a time: two kills of a standard signal while it is pending would merge in the kernel.
            SignalSender.Kill(Environment.ProcessId, Sig);
            Poll.Expect(() => Volatile.Read(ref received) == i, $"delivery {i}");
        }
        Poll.Expect(() => recorder.Latencies.Count == 6, "one latency per callback start (two subscriptions, three deliveries)");
        Assert.That(recorder.Sum("signals.deliveries"), Is.EqualTo(3));
        Assert.That(recorder.Sum("signals.coalesced"), Is.Zero);
        Assert.That(recorder.Sum("signals.rejected"), Is.Zero);
        Assert.That(recorder.Sum("signals.callback_failures"), Is.Zero);
        Assert.That(recorder.Latencies, Has.All.GreaterThanOrEqualTo(0.0));
    }

    [Test]
    public void ARejectedSenderIsCounted()
    {
        using var scope = new SignalScope(Sig);
        using var recorder = new Recorder();
        var rejected = new TaskCompletionSource<SignalEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        int accepted = 0;
        uint otherUid = SignalSender.UserId == 0 ? 1u : 0u;
        using var subscription = SignalEvents.Subscribe(Sig, _ => Interlocked.Increment(ref accepted),
            new SubscriptionOptions { AllowedSenderUids = [otherUid], OnRejected = e => rejected.TrySetResult(e) });
        SignalSender.Kill(Environment.ProcessId, Sig);
        Poll.Result(rejected.Task, "the rejection report");
        Assert.That(recorder.Sum("signals.rejected"), Is.EqualTo(1));
        Assert.That(recorder.Sum("signals.deliveries"), Is.EqualTo(1));
        Assert.That(subscription.RejectedCount, Is.EqualTo(1));
        Assert.That(Volatile.Read(ref accepted), Is.Zero);
    }

    [Test]
    public void ACallbackFailureIsCounted()
    {
        using var scope = new SignalScope(Sig);
        using var recorder = new Recorder();
        var failed = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        EventHandler<SignalCallbackFailedEventArgs> onFailed = (_, e) => failed.TrySetResult(e.Exception);
        SignalEvents.CallbackFailed += onFailed;
        try
        {
            using var subscription = SignalEvents.Subscribe(Sig, _ => throw new InvalidOperationException("metrics test"));
            SignalSender.Kill(Environment.ProcessId, Sig);
            Assert.That(Poll.Result(failed.Task, "the callback failure"), Is.TypeOf<InvalidOperationException>());
            Assert.That(recorder.Sum("signals.callback_failures"), Is.EqualTo(1));
            Assert.That(recorder.Sum("signals.deliveries"), Is.EqualTo(1));
        }
        finally
        {
            SignalEvents.CallbackFailed -= onFailed;
        }
    }

    /// <summary>
    /// signals.tamper_repairs counts each reinstall, tagged with the signal: System.Native puts SIG_DFL back over
    /// our handler when a PosixSignalRegistration made before our subscription is disposed (as in TamperingTests;
    /// SIGRTMIN+10 and +11 are used by no other test, because System.Native's handler stays beneath ours afterwards).
    /// </summary>
    [Test]
    public void AnExplicitTamperRepairIsCountedWithItsSignal()
    {
        var signal = Signal.RealTime(10);
        using var recorder = new MeterRecorder();
        SignalEvents.RepairTampering = false; // this test, not the dispatcher, repairs
        try
        {
            using var subscription = SubscribeThenLetSystemNativeOverwrite(signal);
            Assert.That(SignalEvents.CheckTampering(repair: false), Is.EqualTo(new[] { signal }));
            Assert.That(recorder.Total("signals.tamper_repairs"), Is.Zero, "repair: false repairs nothing");
            Assert.That(SignalEvents.CheckTampering(repair: true), Is.EqualTo(new[] { signal }));
            Assert.That(SignalEvents.CheckTampering(repair: true), Is.Empty, "repaired already");
            Assert.That(recorder.Sum("signals.tamper_repairs", signal), Is.EqualTo(1), recorder.ToString());
            Assert.That(recorder.Total("signals.tamper_repairs"), Is.EqualTo(1), recorder.ToString());
        }
        finally
        {
            SignalEvents.RepairTampering = true;
        }
    }

    [Test]
    public void ThePeriodicTamperRepairIsCountedWithItsSignal()
    {
        var signal = Signal.RealTime(11);
        using var recorder = new MeterRecorder();
        using var subscription = SubscribeThenLetSystemNativeOverwrite(signal);
        Poll.Expect(() => recorder.Sum("signals.tamper_repairs", signal) == 1, "the dispatcher's repair, counted");
        Assert.That(SignalHandlers.Get(signal).Kind, Is.EqualTo(SignalDispositionKind.Managed));
        Assert.That(SignalEvents.CheckTampering(repair: false), Is.Empty);
        Assert.That(recorder.Total("signals.tamper_repairs"), Is.EqualTo(1), recorder.ToString());
    }

    private static SignalSubscription SubscribeThenLetSystemNativeOverwrite(Signal signal)
    {
        var registration = PosixSignalRegistration.Create((PosixSignal)signal.Number, context => context.Cancel = true);
        var subscription = SignalEvents.Subscribe(signal, _ => { });
        registration.Dispose(); // System.Native: sigaction(sig, the action it saved before ours), i.e. SIG_DFL
        return subscription;
    }

    [Test]
    public void DroppedRecordsAreObservable()
    {
        using var listener = new MeterListener();
        long? observed = null;
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SignalsMeter.Name && instrument.Name == "signals.dropped_records")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => observed = value);
        listener.Start();
        listener.RecordObservableInstruments();
        Assert.That(observed, Is.EqualTo(SignalEvents.DroppedRecords));
    }
}
