using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Signals.TestHost.Scenarios;

/// <summary>
/// Issue 10, item 13: threads subscribe while Shutdown() runs. Afterwards every subscription that is not
/// disposed must have our handler installed and receive a real signal; the disposed ones receive nothing.
/// </summary>
internal static class ShutdownRaceScenario
{
    private const int Rounds = 30;
    private const int Subscribers = 4;
    private const int PerSubscriber = 25;

    public static int Run()
    {
        int live = 0;
        for (int round = 1; round <= Rounds; round++)
        {
            var made = new ConcurrentBag<(SignalSubscription Subscription, StrongBox<int> Received)>();
            var threads = Enumerable.Range(0, Subscribers).Select(_ => new Thread(() =>
            {
                for (int i = 0; i < PerSubscriber; i++)
                {
                    var received = new StrongBox<int>();
                    made.Add((SignalEvents.Subscribe(Signal.SIGUSR2, _ => Interlocked.Increment(ref received.Value)), received));
                }
            })).ToList();
            threads.ForEach(thread => thread.Start());
            Deadline.Until(() => made.Count >= round % PerSubscriber); // vary where Shutdown lands
            SignalEvents.Shutdown();
            threads.ForEach(thread => thread.Join());

            var survivors = made.Where(entry => !entry.Subscription.IsDisposed).ToList();
            live += survivors.Count;
            if (survivors.Count > 0)
            {
                var kind = SignalHandlers.Get(Signal.SIGUSR2).Kind;
                if (kind != SignalDispositionKind.Managed)
                    return Report.Fail($"round {round}: {survivors.Count} live subscriptions, but SIGUSR2 is {kind}");
                SignalSender.Kill(Environment.ProcessId, Signal.SIGUSR2);
                if (!Deadline.Until(() => survivors.All(entry => Volatile.Read(ref entry.Received.Value) == 1)))
                    return Report.Fail($"round {round}: {survivors.Count(entry => entry.Received.Value == 0)} of {survivors.Count} live subscriptions received nothing", ExitCodes.TimedOut);
            }
            if (made.Any(entry => entry.Subscription.IsDisposed && Volatile.Read(ref entry.Received.Value) != 0))
                return Report.Fail($"round {round}: a subscription disposed by Shutdown received a signal");
            SignalEvents.Shutdown();
        }
        Report.Line($"ROUNDS {Rounds} live={live}");
        return ExitCodes.Ok;
    }
}
