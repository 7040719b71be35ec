using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Signals.Bench.Receivers;

/// <summary>
/// The .NET receivers, one per process. Each acknowledges every ping on the FIFO the sender waits on;
/// they differ only in how the signal reaches the acknowledging code.
/// </summary>
internal static class ReceiverModes
{
    /// <summary>The real-time signal the throughput row floods with (SIGRTMIN itself is the GC's).</summary>
    public static Signal FloodSignal => Signal.RealTime(2);

    private static readonly Dictionary<string, Func<AckChannel, ReceiverHost, IDisposable[]>> Modes = new()
    {
        ["ours-callback"] = OursCallback,
        ["ours-spin50"] = (ack, host) =>
        {
            SignalEvents.DispatcherSpin = TimeSpan.FromMicroseconds(50); // diagnostic: the spin that was the default until issue 11
            return OursCallback(ack, host);
        },
        ["ours-waitasync"] = OursWaitAsync,
        ["ours-term"] = OursTermination,
        ["psr-usr1"] = (ack, host) =>
        [
            PosixSignalRegistrationOn((PosixSignal)Signal.SIGUSR1.Number, ack, host),
            PosixSignalRegistration.Create((PosixSignal)Signal.SIGUSR2.Number, context =>
            {
                long now = Stopwatch.GetTimestamp();
                context.Cancel = true;
                ack.AcknowledgeTime(now);
                host.Delivered(1);
            }),
        ],
        ["psr-term"] = (ack, host) => [PosixSignalRegistrationOn(PosixSignal.SIGTERM, ack, host)],
        // The flood signal through .NET's own API: it cannot see si_value (the burst's total), so it only
        // counts, with the time of each delivery (callbacks run on the thread pool, so possibly in parallel).
        ["psr-flood"] = (ack, host) =>
        [
            PosixSignalRegistration.Create((PosixSignal)FloodSignal.Number, context =>
            {
                context.Cancel = true;
                host.DeliveredAt(Stopwatch.GetTimestamp());
            }),
        ],
    };

    public static IEnumerable<string> Names => Modes.Keys;

    public static int Run(string mode, string ackFifo)
    {
        if (!Modes.TryGetValue(mode, out var setUp))
        {
            Console.Error.WriteLine($"unknown receiver mode '{mode}'");
            return 2;
        }
        using var ack = new AckChannel(ackFifo);
        var host = new ReceiverHost();
        var registrations = setUp(ack, host);
        try
        {
            return host.Run();
        }
        finally
        {
            foreach (var registration in registrations)
                registration.Dispose();
        }
    }

    /// <summary>The isolated-signal row's signal: each delivery is answered with the callback's start time.</summary>
    public static Signal IsolatedSignal => Signal.SIGUSR2;

    // Our callback on the dispatcher thread: SIGUSR1 for ping-pong, SIGUSR2 for isolated signals, the
    // real-time signal for the flood and the paced stream.
    private static IDisposable[] OursCallback(AckChannel ack, ReceiverHost host)
    {
        long floodCount = 0, floodTotal = 0; // touched only on the dispatcher thread
        var ping = SignalEvents.Subscribe(Signal.SIGUSR1, _ =>
        {
            host.OnDispatcherThread();
            ack.Acknowledge();
            host.Delivered(1);
        });
        var flood = SignalEvents.Subscribe(FloodSignal, e =>
        {
            host.OnDispatcherThread();
            floodCount += e.Count; // a coalesced event stands for Count deliveries
            if (!e.IsCoalesced)
                floodTotal = e.Value; // the sender puts the burst's total in si_value
            host.Delivered(e.Count);
            if (floodTotal > 0 && floodCount >= floodTotal)
            {
                ack.AcknowledgeCount(floodCount);
                floodCount -= floodTotal;
            }
        });
        var isolated = SignalEvents.Subscribe(IsolatedSignal, _ =>
        {
            long now = Stopwatch.GetTimestamp();
            host.OnDispatcherThread();
            ack.AcknowledgeTime(now);
            host.Delivered(1);
        });
        return [ping, flood, isolated];
    }

    // A WaitAsync loop done safely: the next wait subscribes before the sender is acknowledged (else the
    // next ping could arrive between two waits and be missed), and a do-nothing subscription keeps our
    // handler installed between waits (else the last wait's end restores SIG_DFL, and a SIGUSR1 then
    // kills the process).
    private static IDisposable[] OursWaitAsync(AckChannel ack, ReceiverHost host)
    {
        var keepInstalled = SignalEvents.Subscribe(Signal.SIGUSR1, static _ => { });
        _ = Task.Run(async () =>
        {
            var next = SignalEvents.WaitAsync(Signal.SIGUSR1);
            while (true)
            {
                await next.ConfigureAwait(false);
                next = SignalEvents.WaitAsync(Signal.SIGUSR1);
                ack.Acknowledge();
                host.Delivered(1);
            }
        });
        return [keepInstalled];
    }

    // SIGTERM with the default Handle policy: recorded, the process survives.
    private static IDisposable[] OursTermination(AckChannel ack, ReceiverHost host) =>
    [
        SignalEvents.Subscribe(Signal.SIGTERM, _ =>
        {
            host.OnDispatcherThread();
            ack.Acknowledge();
            host.Delivered(1);
        }),
    ];

    // .NET's own API. Cancel = true keeps the default action (termination) from running afterwards.
    private static PosixSignalRegistration PosixSignalRegistrationOn(PosixSignal signal, AckChannel ack, ReceiverHost host) =>
        PosixSignalRegistration.Create(signal, context =>
        {
            context.Cancel = true;
            ack.Acknowledge();
            host.Delivered(1);
        });
}
