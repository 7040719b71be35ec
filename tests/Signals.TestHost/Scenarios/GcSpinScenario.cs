namespace Signals.TestHost.Scenarios;

/// <summary>
/// GC.Collect() while another thread spins in a tight loop without calls: the runtime must suspend that
/// thread with its activation signal (SIGRTMIN), which our handlers must leave alone. Hangs if they do not.
/// </summary>
internal static class GcSpinScenario
{
    private static volatile bool _stop;

    public static int Run()
    {
        long received = 0;
        var handled = new[] { Signal.SIGUSR1, Signal.SIGUSR2, Signal.SIGINT, Signal.SIGTERM, Signal.SIGCHLD, Signal.RealTime(1) };
        using var subscription = SignalEvents.Subscribe(handled, e => Interlocked.Add(ref received, e.Count));
        long spins = 0;
        var spinner = new Thread(() =>
        {
            long local = 0;
            while (!_stop)
                local++;
            spins = local;
        }) { IsBackground = true };
        spinner.Start();
        for (int i = 0; i < 10; i++)
        {
            SignalSender.Kill(Environment.ProcessId, Signal.SIGUSR1);
            GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        }
        Report.Line("COLLECTED 10");
        _stop = true;
        spinner.Join();
        if (!Deadline.Until(() => Interlocked.Read(ref received) >= 1))
            return Report.Fail("no SIGUSR1 reached our subscription");
        Report.Line($"SPINS {spins} RECEIVED {Interlocked.Read(ref received)}");
        return ExitCodes.Ok;
    }
}
