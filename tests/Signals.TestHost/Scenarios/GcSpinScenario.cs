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
        long received = 0, user1 = 0;
        var handled = new[] { Signal.SIGUSR1, Signal.SIGUSR2, Signal.SIGINT, Signal.SIGTERM, Signal.SIGCHLD, Signal.RealTime(1) };
        using var subscription = SignalEvents.Subscribe(handled, e =>
        {
            if (e.Signal == Signal.SIGUSR1)
                Interlocked.Add(ref user1, e.Count);
            Interlocked.Add(ref received, e.Count);
        });
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
        // Every delivery the handler recorded (standard signals merge, so up to 10) reaches the callback before the
        // subscription goes: one still in flight at Dispose would go to the restored SIG_DFL and end the process
        // (issue 18, row 8: a delivery is never dropped), which is not what this scenario is about.
        if (!Deadline.Until(() => Interlocked.Read(ref user1) >= 1 &&
                                  Interlocked.Read(ref user1) == (long)SignalEvents.Counters(Signal.SIGUSR1).Delivered))
            return Report.Fail("not every SIGUSR1 the handler recorded reached our subscription");
        Report.Line($"SPINS {spins} RECEIVED {Interlocked.Read(ref received)}");
        return ExitCodes.Ok;
    }
}
