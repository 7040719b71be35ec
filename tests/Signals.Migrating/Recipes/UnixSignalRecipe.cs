using Mono.Unix;
using Mono.Unix.Native;
using static Signals.Migrating.Sample;

namespace Signals.Migrating.Recipes;

/// <summary>
/// Mono.Posix's <see cref="UnixSignal"/> and Signals in one process, both counting SIGUSR1 and SIGUSR2: the main
/// thread waits in <see cref="UnixSignal.WaitAny(UnixSignal[], int)"/> and reads <see cref="UnixSignal.Count"/>
/// ("mono: SIGUSR1 N"), a thread waits in <see cref="UnixSignal.WaitOne(int, bool)"/> for SIGUSR2, and a Signals
/// subscription prints "signals: SIGUSR1 N". At "quit" each side prints its total, then
/// <see cref="UnixSignal.IsSet"/> and <see cref="UnixSignal.Reset"/> are shown.
/// Order matters: UnixSignal installs its handler with signal(2), replacing whatever was there and never calling
/// it. So the UnixSignals come first, and Signals subscribes with Observe, which records the delivery and then
/// calls the handler it found (Mono's). With --handle, Signals replaces Mono's handler: Mono counts nothing.
/// </summary>
internal static class UnixSignalRecipe
{
    public static int SideBySide(string[] options)
    {
        var policy = options.Contains("--handle") ? SignalPolicy.Handle : SignalPolicy.Observe;
        using var user1 = new UnixSignal(Signum.SIGUSR1);
        using var user2 = new UnixSignal(Signum.SIGUSR2);

        var counts = new Dictionary<Signal, int> { [Signal.SIGUSR1] = 0, [Signal.SIGUSR2] = 0 };
        using var subscription = SignalEvents.Subscribe([Signal.SIGUSR1, Signal.SIGUSR2],
            e => Say($"signals: {e.Signal.Name} {++counts[e.Signal]}"), // the dispatcher runs callbacks one at a time
            new SubscriptionOptions { Policy = policy });

        // WaitOne: a thread waiting for one signal. UnixSignal keeps no pending state for a wait: a delivery
        // that comes before the wait starts only raises Count, so the loop checks IsSet between waits.
        var waitOne = new Thread(() =>
        {
            while (!user2.IsSet)
                user2.WaitOne(250, false);
            Say($"mono: WaitOne saw SIGUSR2 (Count {user2.Count})");
        }) { IsBackground = true };
        waitOne.Start();

        var commands = ServeCommandsInBackground();
        Ready();
        // WaitAny returns the index of a signal that arrived, or the timeout (250) when none did. The same gap:
        // deliveries between two waits only raise Count, so Count, not WaitAny's answer, says how many came.
        int reported = 0;
        while (!commands.IsCompleted)
        {
            UnixSignal.WaitAny([user1], 250);
            for (int count = user1.Count; reported < count; reported++)
                Say($"mono: SIGUSR1 {reported + 1}");
        }

        Say($"mono: SIGUSR1 Count={user1.Count} IsSet={user1.IsSet}");
        user1.Reset();
        Say($"mono: after Reset Count={user1.Count} IsSet={user1.IsSet}");
        Say($"signals: SIGUSR1 Delivered={SignalEvents.Counters(Signal.SIGUSR1).Delivered}");
        return 0;
    }
}
