namespace Signals.TestHost.Scenarios;

/// <summary>
/// Issue 10, item 6: a SynchronizationContext whose Post throws must not end the dispatcher. The parent sends
/// SIGUSR1 once per "READY n"; each must be reported through CallbackFailed, and a dispatcher-target
/// subscription to the same signal must keep receiving.
/// </summary>
internal static class ThrowingContextScenario
{
    private const int Deliveries = 2;

    public static int Run()
    {
        int failures = 0, direct = 0;
        SignalEvents.CallbackFailed += (_, e) =>
        {
            if (e.Exception is InvalidOperationException { Message: ThrowingContext.Message })
                Interlocked.Increment(ref failures);
        };
        SynchronizationContext.SetSynchronizationContext(new ThrowingContext());
        using var posting = SignalEvents.Subscribe(Signal.SIGUSR1, _ => { },
            new SubscriptionOptions { Target = CallbackTarget.SynchronizationContext });
        SynchronizationContext.SetSynchronizationContext(null);
        using var onDispatcher = SignalEvents.Subscribe(Signal.SIGUSR1, _ => Interlocked.Increment(ref direct));
        for (int n = 1; n <= Deliveries; n++)
        {
            Report.Line($"READY {n}");
            if (!Deadline.Until(() => Volatile.Read(ref direct) == n && Volatile.Read(ref failures) == n))
                return Report.Fail($"delivery {n}: dispatcher {Volatile.Read(ref direct)}, reported {Volatile.Read(ref failures)}", ExitCodes.TimedOut);
        }
        Report.Line($"COUNTS dispatcher={Volatile.Read(ref direct)} reported={Volatile.Read(ref failures)} received={posting.ReceivedCount}");
        return ExitCodes.Ok;
    }

    private sealed class ThrowingContext : SynchronizationContext
    {
        public const string Message = "this loop has shut down";

        public override void Post(SendOrPostCallback d, object? state) => throw new InvalidOperationException(Message);
    }
}
