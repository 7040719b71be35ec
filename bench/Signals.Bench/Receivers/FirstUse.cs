using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Signals.Bench.Receivers;

/// <summary>
/// The first use in a cold process: one process per sample, which times its very first SignalEvents.Subscribe
/// (or PosixSignalRegistration.Create, for comparison) for SIGHUP, SIGTERM and SIGUSR1, prints the
/// milliseconds and exits. "ours-phases" splits ours into what it is made of (diagnostic, profile.md).
/// <see cref="FirstSignal"/> is the first delivery instead: a cold process subscribes, says ready, and answers
/// the first SIGUSR2 with the time at the start of its callback (isolated_sender times it from the send).
/// </summary>
internal static class FirstUse
{
    public static int Run(string mode)
    {
        string result = mode switch
        {
            "ours" => Ours(),
            "psr" => Psr(),
            "ours-phases" => OursPhases(),
            _ => throw new ArgumentException($"unknown first-use mode '{mode}'"),
        };
        Console.Out.WriteLine(result);
        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string Ours()
    {
        long start = Stopwatch.GetTimestamp();
        var subscription = SignalEvents.Subscribe([Signal.SIGHUP, Signal.SIGTERM, Signal.SIGUSR1], static _ => { });
        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        GC.KeepAlive(subscription);
        return Ms(ms);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string Psr()
    {
        long start = Stopwatch.GetTimestamp();
        using var hup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, static context => context.Cancel = true);
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, static context => context.Cancel = true);
        using var usr1 = PosixSignalRegistration.Create((PosixSignal)10, static context => context.Cancel = true);
        return Ms(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }

    // Loading Signals.dll; loading libsignals.so (SignalEvents.IsSupported); the Signal type's static initialisers
    // (the names table); the first Subscribe after those; a second one. (The runtime's own signal initialisation,
    // a PosixSignalRegistration, is not on this path: only a subscription to SIGINT, SIGQUIT, SIGCONT, SIGCHLD,
    // SIGWINCH or SIGTTOU makes it, see RuntimeSignalHandling.)
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string OursPhases()
    {
        long start = Stopwatch.GetTimestamp();
        var assembly = typeof(Signal).Assembly;
        double loadAssembly = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        start = Stopwatch.GetTimestamp();
        bool supported = SignalEvents.IsSupported; // loads libsignals.so
        double library = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        start = Stopwatch.GetTimestamp();
        Signal[] signals = [Signal.SIGHUP, Signal.SIGTERM, Signal.SIGUSR1];
        double load = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        GC.KeepAlive(assembly);
        start = Stopwatch.GetTimestamp();
        var first = SignalEvents.Subscribe(signals, static _ => { });
        double subscribe = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        start = Stopwatch.GetTimestamp();
        var second = SignalEvents.Subscribe(Signal.SIGUSR2, static _ => { });
        double again = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        GC.KeepAlive(first);
        GC.KeepAlive(second);
        GC.KeepAlive(supported);
        return $"load_assembly={Ms(loadAssembly)} load_library={Ms(library)} signal_statics={Ms(load)} subscribe={Ms(subscribe)} second_subscribe={Ms(again)}";
    }

    /// <summary>
    /// A cold process: the first SignalEvents.Subscribe (or PosixSignalRegistration.Create) of SIGUSR2, then
    /// "ready"; each delivery is answered on the FIFO with the callback's first clock reading. The first one
    /// pays for whatever the delivery path still loads or compiles on its first use. Diagnostics (profile.md):
    /// "ours-phases" also writes to stderr, per delivery, the handler's clock reading (SignalEvent.Timestamp)
    /// and the callback's, so send → handler → callback can be told apart; "ours-meter-first" runs SignalsMeter's
    /// static constructor (the meter the dispatcher counts into) before subscribing.
    /// </summary>
    public static int FirstSignal(string mode, string ackFifo)
    {
        using var ack = new AckChannel(ackFifo);
        if (mode == "ours-meter-first")
            RuntimeHelpers.RunClassConstructor(typeof(SignalsMeter).TypeHandle);
        using IDisposable subscription = mode switch
        {
            "ours" or "ours-meter-first" => SignalEvents.Subscribe(Signal.SIGUSR2, _ => ack.AcknowledgeTime(Stopwatch.GetTimestamp())),
            "ours-phases" => SignalEvents.Subscribe(Signal.SIGUSR2, e =>
            {
                long now = Stopwatch.GetTimestamp();
                ack.AcknowledgeTime(now);
                Console.Error.WriteLine($"first-signal handler_ns={e.Timestamp} callback_ns={now}");
            }),
            "psr" => PosixSignalRegistration.Create((PosixSignal)Signal.SIGUSR2.Number, context =>
            {
                long now = Stopwatch.GetTimestamp();
                context.Cancel = true;
                ack.AcknowledgeTime(now);
            }),
            _ => throw new ArgumentException($"unknown first-signal mode '{mode}'"),
        };
        Console.Out.WriteLine("ready");
        Console.Out.Flush();
        while (Console.In.ReadLine() is not null)
        {
            // the control protocol: nothing to report; end of stdin ends the process
            Console.Out.WriteLine("ok");
            Console.Out.Flush();
        }
        return 0;
    }

    private static string Ms(double ms) => ms.ToString("F3", System.Globalization.CultureInfo.InvariantCulture);
}
