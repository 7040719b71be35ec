using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Signals.Bench.Receivers;

/// <summary>
/// The idle-cost receivers: a process that holds handlers for SIGHUP, SIGTERM and SIGUSR1 and gets no
/// signals, as a service does for days. "psr" holds PosixSignalRegistrations (and never loads Signals.dll:
/// nothing here names a Signals type outside <see cref="Ours"/>), "ours" SignalEvents subscriptions, "bare"
/// nothing. Each prints "ready" and then sleeps in a read of stdin until it closes; the orchestrator reads
/// the rest from /proc.
/// </summary>
internal static class IdleReceiver
{
    public static int Run(string mode)
    {
        IDisposable[] held = mode switch
        {
            "bare" => [],
            "psr" => Psr(),
            "ours" => Ours(),
            _ => throw new ArgumentException($"unknown idle mode '{mode}'"),
        };
        Console.Out.WriteLine("ready");
        Console.Out.Flush();
        while (Console.In.ReadLine() is not null)
        {
            Console.Out.WriteLine("ok");
            Console.Out.Flush();
        }
        foreach (var registration in held)
            registration.Dispose();
        return 0;
    }

    private static IDisposable[] Psr() =>
    [
        PosixSignalRegistration.Create(PosixSignal.SIGHUP, static context => context.Cancel = true),
        PosixSignalRegistration.Create(PosixSignal.SIGTERM, static context => context.Cancel = true),
        PosixSignalRegistration.Create((PosixSignal)10, static context => context.Cancel = true), // SIGUSR1
    ];

    [MethodImpl(MethodImplOptions.NoInlining)] // keeps Signals.dll unloaded in the other modes
    private static IDisposable[] Ours() =>
        [SignalEvents.Subscribe([Signal.SIGHUP, Signal.SIGTERM, Signal.SIGUSR1], static _ => { })];
}
