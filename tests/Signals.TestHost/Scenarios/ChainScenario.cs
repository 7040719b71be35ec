using System.Runtime.InteropServices;

namespace Signals.TestHost.Scenarios;

/// <summary>
/// Observe vs Handle over a previous native handler: a PosixSignalRegistration(SIGUSR1) is installed first,
/// then our subscription. After READY the parent sends SIGUSR1; the child reports which callbacks ran.
/// </summary>
internal static class ChainScenario
{
    // After our callback ran, how long to wait for the registration's: it runs on the ThreadPool within
    // milliseconds of the same delivery when chained, so 3 s is ample.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    public static int Run(string policy)
    {
        int ours = 0, registration = 0;
        using var posix = PosixSignalRegistration.Create((PosixSignal)Signal.SIGUSR1.Number, context =>
        {
            Interlocked.Increment(ref registration);
            context.Cancel = true;
        });
        using var subscription = SignalEvents.Subscribe(Signal.SIGUSR1, _ => Interlocked.Increment(ref ours),
            new SubscriptionOptions { Policy = Policies.Parse(policy) });
        Report.Line("READY");
        if (!Deadline.Until(() => Volatile.Read(ref ours) > 0))
            return Report.Fail("SIGUSR1 never reached our subscription", ExitCodes.TimedOut);
        Deadline.Until(() => Volatile.Read(ref registration) > 0, Settle);
        Report.Line($"OURS {Volatile.Read(ref ours)}");
        Report.Line($"REGISTRATION {Volatile.Read(ref registration)}");
        return ExitCodes.Ok;
    }
}
