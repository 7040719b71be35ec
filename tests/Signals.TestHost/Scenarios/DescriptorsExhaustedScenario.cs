using Microsoft.Win32.SafeHandles;

namespace Signals.TestHost.Scenarios;

/// <summary>
/// Issue 18, row 13: descriptors run out after Subscribe and before the first delivery. The first delivery loaded
/// the metrics assembly lazily (EMFILE), and the process aborted (134). Run under <c>prlimit --nofile=N</c>: after
/// subscribing, the child opens /dev/null until open(2) fails with EMFILE and says "READY 1"; the parent's SIGUSR1
/// must reach the callback. Then it frees the descriptors, says "READY 2", and the next SIGUSR1 must arrive too.
/// Nothing here touches Console or the meter first: they must be loaded at the first delivery, as in a service.
/// </summary>
internal static class DescriptorsExhaustedScenario
{
    public static int Run()
    {
        int received = 0;
        using var subscription = SignalEvents.Subscribe(Signal.SIGUSR1, _ => Interlocked.Increment(ref received));
        Report.Line("SUBSCRIBED");
        var filling = new List<SafeFileHandle>();
        try
        {
            while (true)
                filling.Add(File.OpenHandle("/dev/null"));
        }
        catch (IOException exception) when (exception.HResult == EMFILE)
        {
            // Every descriptor this process may have is in use.
        }
        Report.Line($"FILLED EMFILE after {filling.Count} more");
        Report.Line("READY 1");
        if (!Deadline.Until(() => Volatile.Read(ref received) == 1))
            return Report.Fail("the SIGUSR1 sent while descriptors were exhausted never reached the callback", ExitCodes.TimedOut);
        foreach (var handle in filling)
            handle.Dispose();
        Report.Line("READY 2");
        if (!Deadline.Until(() => Volatile.Read(ref received) == 2))
            return Report.Fail("the SIGUSR1 sent after descriptors were freed never reached the callback", ExitCodes.TimedOut);
        Report.Line($"RECEIVED {Volatile.Read(ref received)}");
        return ExitCodes.Ok;
    }

    // The IOException of a failed open carries the errno as its HResult.
    private const int EMFILE = 24;
}
