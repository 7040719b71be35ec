using Signals.TestHost.Support;

namespace Signals.TestHost.Scenarios;

/// <summary>
/// Issue 18, row 10: the first Subscribe cannot create the dispatcher thread. Run as a uid other than root (root
/// ignores RLIMIT_NPROC): the child lowers its own RLIMIT_NPROC to 1 with prlimit(2), below the threads it already
/// runs, so the kernel refuses every new thread (clone3: EAGAIN). Subscribe must fail saying so ("REFUSED type:
/// message") and leave nothing behind (the action still the default, no dispatcher thread); once the limit is back,
/// Subscribe must work, and the parent's SIGUSR1 reach the callback.
/// </summary>
internal static class ThreadLimitScenario
{
    // /proc's thread names are cut to 15 characters.
    private const string DispatcherThreadName = "Signals dispatc";

    public static int Run()
    {
        if (SignalSender.UserId == 0)
            return Report.Fail("run as a uid other than root: root ignores RLIMIT_NPROC", ExitCodes.Usage);
        var signal = Signal.SIGUSR1;
        Exception? refused = null;
        ulong previous = Libc.SetProcessLimit(1);
        try
        {
            SignalEvents.Subscribe(signal, _ => { }).Dispose();
        }
        catch (Exception exception)
        {
            refused = exception;
        }
        finally
        {
            Libc.SetProcessLimit(previous);
        }
        if (refused is null)
            return Report.Fail("Subscribe created its thread under RLIMIT_NPROC=1");
        Report.Line($"REFUSED {refused.GetType().FullName}: {refused.Message.ReplaceLineEndings(" ")}");
        Report.Line($"DISPOSITION {SignalHandlers.Get(signal).Kind}");
        Report.Line($"DISPATCHERS {ProcFs.Threads().Count(thread => thread.Name == DispatcherThreadName)}");

        int received = 0;
        using var subscription = SignalEvents.Subscribe(signal, _ => Interlocked.Increment(ref received));
        Report.Line("READY");
        if (!Deadline.Until(() => Volatile.Read(ref received) == 1))
            return Report.Fail("the SIGUSR1 never reached the subscription made once threads could be created", ExitCodes.TimedOut);
        Report.Line("RECEIVED");
        return ExitCodes.Ok;
    }
}
