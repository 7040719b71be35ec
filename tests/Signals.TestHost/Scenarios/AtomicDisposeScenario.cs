using Signals.TestHost.Support;

namespace Signals.TestHost.Scenarios;

/// <summary>
/// Issue 18, row 8 (a port of Go's TestAtomicStop): a SIGUSR1 recorded under a Handle subscription, then the
/// subscription disposed (or everything shut down) before the dispatcher got to it. The delivery must not be
/// lost: either the callback ran, or the restored action (SIG_DFL: the process dies, status 138) took it.
/// 0.1.0 dropped it for lack of a subscriber: the process lived on with no callback.
/// </summary>
internal static class AtomicDisposeScenario
{
    // Long enough for the dispatcher to dispatch the record and the re-sent signal to end the process.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    public static int Run(string mode)
    {
        int caught = 0;
        // "dispose-pool": the callback is handed to the thread pool, where Dispose may overtake it.
        var options = new SubscriptionOptions { Target = mode == "dispose-pool" ? CallbackTarget.ThreadPool : CallbackTarget.Dispatcher };
        var subscription = SignalEvents.Subscribe(Signal.SIGUSR1, _ => Interlocked.Increment(ref caught), options);
        SignalSender.Raise(Signal.SIGUSR1); // to this thread: recorded before Raise returns
        if (mode == "shutdown")
            SignalEvents.Shutdown();
        else
            subscription.Dispose();
        Thread.Sleep(Settle);
        Report.Line($"CAUGHT {Volatile.Read(ref caught)}");
        return ExitCodes.Ok;
    }
}
