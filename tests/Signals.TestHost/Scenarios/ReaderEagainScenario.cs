using Signals.TestHost.Support;

namespace Signals.TestHost.Scenarios;

/// <summary>
/// Issue 18, row 12, the reader's side: run with standard error on /dev/full. The parent attaches strace to the
/// dispatcher thread alone (its id is in "READY 1 tid=N") and makes its waits end for nothing (0.1.0: read(2) failed
/// with EAGAIN; the dispatcher reported it on stderr, that write failed out of the thread, and the process aborted,
/// 134; now a FUTEX_WAIT that returns at once, which the reader takes as a wake with nothing to read). The parent's
/// first SIGUSR1 must still reach the callback, and so must the second.
/// </summary>
internal static class ReaderEagainScenario
{
    // /proc's thread names are cut to 15 characters.
    private const string DispatcherThreadName = "Signals dispatc";

    public static int Run()
    {
        int received = 0;
        using var subscription = SignalEvents.Subscribe(Signal.SIGUSR1, _ => Interlocked.Increment(ref received));
        string? tid = null;
        if (!Deadline.Until(() => (tid = ProcFs.Threads().FirstOrDefault(thread => thread.Name == DispatcherThreadName).Tid) is not null))
            return Report.Fail("no dispatcher thread", ExitCodes.TimedOut);
        for (int n = 1; n <= 2; n++)
        {
            Report.Line($"READY {n} tid={tid}");
            if (!Deadline.Until(() => Volatile.Read(ref received) == n))
                return Report.Fail($"SIGUSR1 number {n} never reached the callback", ExitCodes.TimedOut);
        }
        Report.Line($"RECEIVED {Volatile.Read(ref received)}");
        return ExitCodes.Ok;
    }
}
