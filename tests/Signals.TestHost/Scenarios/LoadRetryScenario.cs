namespace Signals.TestHost.Scenarios;

/// <summary>
/// Issue 18, row 11: the load of libsignals.so failed once (EMFILE, injected by strace into its first open), and
/// PlatformNotSupportedException came back for the life of the process. The first use must fail naming the cause
/// (the loader's error text), and the next one must load the library and work: "READY pid" follows, and the
/// parent's SIGUSR1 must reach the subscription. Run under strace, so the pid is the child's own.
/// </summary>
internal static class LoadRetryScenario
{
    public static int Run()
    {
        try
        {
            SignalEvents.Subscribe(Signal.SIGUSR1, _ => { }).Dispose();
            return Report.Fail("the first use worked: the injected EMFILE missed the library's open");
        }
        catch (Exception exception)
        {
            Report.Line($"FIRST {exception.GetType().FullName}: {exception.Message.ReplaceLineEndings(" ")}");
        }
        Report.Line($"SUPPORTED {SignalEvents.IsSupported}");
        int received = 0;
        using var subscription = SignalEvents.Subscribe(Signal.SIGUSR1, _ => Interlocked.Increment(ref received));
        Report.Line($"READY {Environment.ProcessId}");
        if (!Deadline.Until(() => Volatile.Read(ref received) == 1))
            return Report.Fail("the SIGUSR1 never reached the subscription", ExitCodes.TimedOut);
        Report.Line("RECEIVED");
        return ExitCodes.Ok;
    }
}
