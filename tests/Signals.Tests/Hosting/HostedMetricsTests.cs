using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Signals.Hosting;
using Signals.Tests.Demo;

namespace Signals.Tests.Hosting;

/// <summary>
/// Issue 13, item 3: with AddSignals, the "Signals" meter is the one the host's IMeterFactory created, and only
/// that one counts while the host lives (a listener enabling every meter named "Signals" sees each delivery once).
/// An in-process host that handles only SIGHUP (reload), so the test runner keeps its own SIGTERM and SIGINT.
/// </summary>
[TestFixture, NonParallelizable]
public class HostedMetricsTests
{
    [Test]
    public void TheHostsMeterFactoryMeterCountsAndTheStaticMeterDoesNot()
    {
        const int sent = 3;
        using var recorder = new MeterRecorder();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<IHostLifetime, NoLifetime>(); // no ConsoleLifetime registrations in the test runner
        builder.Services.AddSignals(options =>
        {
            options.HandleTermination = false;
            options.LogDiagnosticsOnUser1 = false;
        });
        IMeterFactory factory;
        using (new SignalScope(Signal.SIGHUP)) // no SIGHUP meets the default action, even one late after the host
        using (var host = builder.Build())
        {
            factory = host.Services.GetRequiredService<IMeterFactory>();
            int reloads = 0;
            host.Services.GetRequiredService<SignalHostEvents>().ConfigurationReloaded += (_, _) => Interlocked.Increment(ref reloads);
            host.Start();
            for (int i = 1; i <= sent; i++)
            {
                // One at a time: two SIGHUPs pending together would merge in the kernel.
                ShellCommands.Kill("HUP", Environment.ProcessId);
                Poll.Expect(() => Volatile.Read(ref reloads) == i, $"reload {i}");
            }
            // The dispatcher counts a delivery before it runs the callbacks, so the counts are complete here.
            Assert.That(recorder.Sum("signals.deliveries", Signal.SIGHUP, meter => meter.Scope == factory), Is.EqualTo(sent), recorder.ToString());
            Assert.That(recorder.Sum("signals.deliveries", Signal.SIGHUP, meter => meter.Scope is null), Is.Zero, "the static meter counted too: " + recorder);
            Assert.That(recorder.Meters, Has.All.Matches<Meter>(meter => meter.Scope == factory), "only the factory's meter measured: " + recorder);
            host.StopAsync().GetAwaiter().GetResult();
        }

        // Once the host is disposed, the static meter counts again and the factory's meter no more.
        int received = 0;
        using (new SignalScope(Signal.SIGUSR2))
        using (SignalEvents.Subscribe(Signal.SIGUSR2, _ => Interlocked.Increment(ref received)))
        {
            ShellCommands.Kill("USR2", Environment.ProcessId);
            Poll.Expect(() => Volatile.Read(ref received) == 1, "SIGUSR2 after the host");
        }
        Assert.That(recorder.Sum("signals.deliveries", Signal.SIGUSR2, meter => meter.Scope is null), Is.EqualTo(1), recorder.ToString());
        Assert.That(recorder.Sum("signals.deliveries", Signal.SIGUSR2, meter => meter.Scope == factory), Is.Zero, recorder.ToString());
    }

    [Test]
    public void TheNewestAttachmentCountsAndDetachingHandsBack()
    {
        using var recorder = new MeterRecorder();
        using var first = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var second = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var firstFactory = first.GetRequiredService<IMeterFactory>();
        var secondFactory = second.GetRequiredService<IMeterFactory>();
        int received = 0;
        using var scope = new SignalScope(Signal.SIGUSR2);
        using var subscription = SignalEvents.Subscribe(Signal.SIGUSR2, _ => Interlocked.Increment(ref received));
        void SendAndWait(int total)
        {
            SignalSender.Kill(Environment.ProcessId, Signal.SIGUSR2);
            Poll.Expect(() => Volatile.Read(ref received) == total, $"delivery {total}");
        }
        long Counted(IMeterFactory? factory) =>
            recorder.Sum("signals.deliveries", Signal.SIGUSR2, meter => meter.Scope == (object?)factory);

        using (SignalsMeter.UseMeterFactory(firstFactory))
        {
            SendAndWait(1);
            using (SignalsMeter.UseMeterFactory(secondFactory))
                SendAndWait(2);
            SendAndWait(3);
        }
        SendAndWait(4);
        Assert.That((Counted(null), Counted(firstFactory), Counted(secondFactory)), Is.EqualTo((1L, 2L, 1L)), recorder.ToString());
    }

    /// <summary>
    /// Issue 20: attaching one factory twice shares its one Meter, so it must share one instrument set too: each
    /// instrument published once, and one signals.dropped_records measurement per collection, also after one of the
    /// two attachments is disposed and after the factory is attached again.
    /// </summary>
    [Test]
    public void OneFactoryAttachedTwiceMeasuresOncePerCollection()
    {
        using var provider = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = provider.GetRequiredService<IMeterFactory>();
        var published = new List<string>();
        int measurements = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name != SignalsMeter.Name || instrument.Meter.Scope != (object)factory)
                return;
            lock (published)
                published.Add(instrument.Name);
            l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, _, _) =>
        {
            if (instrument.Name == "signals.dropped_records")
                Interlocked.Increment(ref measurements);
        });
        listener.Start();
        int Collect()
        {
            Volatile.Write(ref measurements, 0);
            listener.RecordObservableInstruments();
            return Volatile.Read(ref measurements);
        }

        var first = SignalsMeter.UseMeterFactory(factory);
        var second = SignalsMeter.UseMeterFactory(factory);
        try
        {
            Assert.That(Collect(), Is.EqualTo(1), "two attachments of one factory");
            first.Dispose();
            Assert.That(Collect(), Is.EqualTo(1), "one of the two disposed");
            second.Dispose();
            Assert.That(Collect(), Is.Zero, "both disposed: the static meter counts");
            using (SignalsMeter.UseMeterFactory(factory))
                Assert.That(Collect(), Is.EqualTo(1), "the factory attached again");
        }
        finally
        {
            first.Dispose();
            second.Dispose();
        }
        lock (published)
            Assert.That(published.Count(name => name == "signals.dropped_records"), Is.EqualTo(1), string.Join(", ", published));
    }

    private sealed class NoLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
