using Signals.Interop;

namespace Signals.Dispatch;

/// <summary>
/// Who is subscribed to which signal, and the native action that follows from it. Writers hold
/// <see cref="Gate"/> and publish a new array per change (copy-on-write), so the dispatcher reads the
/// subscribers of a signal with one volatile load and no lock or allocation.
/// </summary>
internal static class SignalRegistry
{
    internal static readonly object Gate = new();
    private static readonly SignalSubscription[][] Subscribers = CreateEmpty();

    private static SignalSubscription[][] CreateEmpty()
    {
        // A loop, not Array.Fill: that generic is JIT-compiled at first use (bench: first_subscribe_ms).
        var subscribers = new SignalSubscription[Signal.MaxNumber + 1][];
        for (int number = 0; number < subscribers.Length; number++)
            subscribers[number] = [];
        return subscribers;
    }

    /// <summary>The current subscribers of a signal (never null; do not modify).</summary>
    internal static SignalSubscription[] For(int number) => Volatile.Read(ref Subscribers[number]);

    internal static void Add(SignalSubscription subscription)
    {
        lock (Gate)
        {
            SignalDispatcher.EnsureRunning();
            // The signals installed so far, to undo on failure; an array, not a List (keeps System.Collections
            // unloaded in a process that only subscribes: first use, resident memory).
            var installed = new int[subscription.SignalArray.Length];
            int installedCount = 0;
            try
            {
                foreach (var signal in subscription.SignalArray)
                {
                    int number = signal.Number;
                    var current = Subscribers[number];
                    if (Array.IndexOf(current, subscription) >= 0)
                        continue;
                    // The runtime goes first (docs/design.md) on the signals its initialisation takes.
                    if (RuntimeSignalHandling.TakenAtInitialization(number))
                        RuntimeSignalHandling.EnsureInitialized();
                    Volatile.Write(ref Subscribers[number], [.. current, subscription]);
                    installed[installedCount++] = number;
                    ApplyNativeAction(number);
                    TamperGuard.Rearm(number); // a new install: earlier fights over this signal are forgotten
                }
            }
            catch
            {
                for (int i = 0; i < installedCount; i++)
                    RemoveFrom(installed[i], subscription);
                throw;
            }
        }
    }

    internal static void Remove(SignalSubscription subscription)
    {
        lock (Gate)
        {
            foreach (var signal in subscription.SignalArray)
                RemoveFrom(signal.Number, subscription);
        }
    }

    /// <summary>
    /// Ends everything in one hold of the Gate, so that no Subscribe can fall between the steps: every
    /// subscription is removed and marked disposed, the dispatcher run is told to stop, and the native side
    /// restores every action and closes the wake channel. Returns the stopped run, for the caller to join after
    /// the Gate is released (a callback in flight may be waiting for the Gate; joining while holding it
    /// was a deadlock). A Subscribe after this starts a fresh run.
    /// </summary>
    internal static DispatcherRun? Shutdown()
    {
        lock (Gate)
        {
            for (int number = 0; number < Subscribers.Length; number++)
            {
                foreach (var subscription in Subscribers[number])
                    subscription.MarkDisposed();
                Volatile.Write(ref Subscribers[number], []);
            }
            var run = SignalDispatcher.Stop();
            Native.SignalsShutdown();
            return run;
        }
    }

    private static void RemoveFrom(int number, SignalSubscription subscription)
    {
        var current = Subscribers[number];
        int index = Array.IndexOf(current, subscription);
        if (index < 0)
            return;
        Volatile.Write(ref Subscribers[number], [.. current[..index], .. current[(index + 1)..]]);
        ApplyNativeAction(number);
    }

    // A loop, not LINQ's Any: keeps System.Linq out of a process that only subscribes (first use, resident memory).
    private static bool AnyHandles(SignalSubscription[] subscribers)
    {
        foreach (var subscription in subscribers)
            if (subscription.Options.Policy == SignalPolicy.Handle)
                return true;
        return false;
    }

    /// <summary>
    /// Makes the native action match the subscribers: none → the saved previous action is restored;
    /// any Handle subscriber → SIGNALS_POLICY_HANDLE (except where the runtime depends on chaining);
    /// otherwise SIGNALS_POLICY_OBSERVE.
    /// </summary>
    private static void ApplyNativeAction(int number)
    {
        Native.SignalsCheckSoon(); // a change: check often for a while (a PosixSignalRegistration may be disposed next)
        var subscribers = Subscribers[number];
        // The messages (and the signal's name) are made only on failure: the names table is not needed to subscribe.
        if (subscribers.Length == 0)
        {
            int restored = Native.SignalsRestore(number);
            if (restored < 0 && -restored != NativeResult.ENOENT)
                NativeResult.Check(restored, $"Restoring the previous action of {new Signal(number).Name}");
            return;
        }
        bool handle = !RuntimeSignalHandling.DependsOnPrevious(number) && AnyHandles(subscribers);
        int policy = handle ? NativeConstants.PolicyHandle : NativeConstants.PolicyObserve;
        int installed = Native.SignalsInstall(number, policy);
        if (installed < 0)
            NativeResult.Check(installed, $"Installing the handler for {new Signal(number).Name}");
    }
}
