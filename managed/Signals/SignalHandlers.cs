using Signals.Dispatch;
using Signals.Interop;

namespace Signals;

/// <summary>
/// Python's <c>signal.signal</c> / <c>getsignal</c> / SIG_DFL / SIG_IGN: one handler per signal that replaces
/// the previous disposition and hands it back. It lives beside any <see cref="SignalEvents.Subscribe(Signal, Action{SignalEvent}, SubscriptionOptions?)"/>
/// subscriptions; its callback runs on the dispatcher thread like theirs.
/// </summary>
public static class SignalHandlers
{
    /// <summary>Whether Signals works in this process; the same as <see cref="SignalEvents.IsSupported"/>.</summary>
    public static bool IsSupported => PlatformSupport.IsSupported;

    private static readonly SignalSubscription?[] Handlers = new SignalSubscription?[Signal.MaxNumber + 1];

    /// <summary>Installs <paramref name="handler"/> for <paramref name="signal"/>; returns what was there before.</summary>
    /// <remarks>
    /// Replacing an earlier handler never passes through another action: the new subscription is added while the
    /// old one still holds our native handler in place, and only then is the old one removed.
    /// </remarks>
    /// <exception cref="ArgumentException">The signal cannot be handled (the message says why).</exception>
    public static SignalDisposition Set(Signal signal, Action<SignalEvent> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        signal.EnsureHandleable(nameof(signal));
        lock (SignalRegistry.Gate)
        {
            var previous = Get(signal);
            var replaced = Handlers[signal.Number];
            Handlers[signal.Number] = SignalEvents.Subscribe(signal, handler);
            replaced?.Dispose();
            return previous;
        }
    }

    /// <summary>
    /// Sets SIG_DFL (<see cref="SignalDisposition.Default"/>) or SIG_IGN (<see cref="SignalDisposition.Ignored"/>);
    /// passing back a disposition returned earlier restores it when it is one of those two or a managed handler.
    /// Returns what was there before. The change is one sigaction(2): a signal arriving meanwhile meets either the
    /// old action or the new one, never a third.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// Other subscriptions still receive the signal; the disposition is a native handler; or the setting would
    /// break the .NET runtime: SIG_IGN on SIGCHLD (Process.WaitForExit stops working), SIG_DFL or SIG_IGN on
    /// SIGCHLD, SIGCONT or SIGWINCH while the runtime's handler is installed (use <see cref="Restore"/>).
    /// </exception>
    public static SignalDisposition Set(Signal signal, SignalDisposition disposition)
    {
        ArgumentNullException.ThrowIfNull(disposition);
        if (disposition.Kind == SignalDispositionKind.Managed && disposition.Handler is not null)
            return Set(signal, disposition.Handler);
        signal.EnsureHandleable(nameof(signal));
        lock (SignalRegistry.Gate)
        {
            var previous = Get(signal);
            if (disposition.Kind is SignalDispositionKind.Native or SignalDispositionKind.Managed)
                throw new InvalidOperationException(
                    $"{signal}: a native handler cannot be set from managed code; use Restore to put back the action that was there before our handler.");
            SignalDispositionRules.EnsureBuiltinAllowed(signal, disposition.Kind, previous.Kind);
            int others = SignalRegistry.For(signal.Number).Length - (Handlers[signal.Number] is null ? 0 : 1);
            if (others > 0)
                throw new InvalidOperationException(
                    $"{signal} still has {others} subscription(s); dispose them before setting {disposition}.");
            // First the one sigaction from our handler to SIG_DFL/SIG_IGN; the native side forgets the action it had
            // saved. Only then the handler's subscription goes: its restore finds nothing saved (ENOENT, ignored).
            // The other order restored the saved action (often SIG_DFL) for a moment, and a signal arriving in that
            // moment killed the process.
            NativeResult.Check(Native.SignalsSetBuiltin(signal.Number, disposition.Kind == SignalDispositionKind.Ignored ? 1 : 0),
                $"Setting {disposition} for {signal}");
            Handlers[signal.Number]?.Dispose();
            Handlers[signal.Number] = null;
            return previous;
        }
    }

    /// <summary>Python's <c>getsignal</c>: what is installed for <paramref name="signal"/> now.</summary>
    public static SignalDisposition Get(Signal signal)
    {
        if (signal.Number == 0)
            throw new ArgumentException("The default Signal value is not a signal.", nameof(signal));
        int kind = NativeResult.Check(Native.SignalsDisposition(signal.Number), $"Reading the disposition of {signal}");
        return kind switch
        {
            NativeConstants.DispositionDefault => SignalDisposition.Default,
            NativeConstants.DispositionIgnored => SignalDisposition.Ignored,
            NativeConstants.DispositionOurs => SignalDisposition.Managed(Handlers[signal.Number] is { IsDisposed: false } handler ? handler.Callback : null,
                SignalRegistry.For(signal.Number).Length),
            _ => SignalDisposition.Native,
        };
    }

    /// <summary>
    /// Removes the handler set with <see cref="Set(Signal, Action{SignalEvent})"/>. When no subscription is left,
    /// the action that was there before ours is restored, in one sigaction(2). Returns false when there was no handler.
    /// </summary>
    public static bool Restore(Signal signal)
    {
        signal.EnsureHandleable(nameof(signal));
        lock (SignalRegistry.Gate)
        {
            var handler = Handlers[signal.Number];
            Handlers[signal.Number] = null;
            // Shutdown disposes every subscription, this handler's too: then there is nothing to restore.
            bool live = handler is { IsDisposed: false };
            handler?.Dispose();
            return live;
        }
    }

    /// <summary>
    /// Python's <c>signal.siginterrupt</c>: with <paramref name="interrupt"/> true, a system call that our handler for
    /// <paramref name="signal"/> interrupts fails with EINTR; with false (the default) it is restarted (SA_RESTART).
    /// The choice is remembered per signal for every handler and subscription of ours on it, applied at once when ours
    /// is installed and at every later install. A native handler installed over ours keeps its own flags.
    /// </summary>
    /// <remarks>
    /// Only code that calls the system directly sees EINTR: .NET's own I/O (streams, sockets, Thread.Sleep) retries
    /// interrupted calls itself, so this matters for native code and raw P/Invokes in the process.
    /// </remarks>
    /// <exception cref="ArgumentException">The signal cannot be handled (the message says why).</exception>
    public static void SetInterrupt(Signal signal, bool interrupt)
    {
        signal.EnsureHandleable(nameof(signal));
        NativeResult.Check(Native.SignalsSetInterrupt(signal.Number, interrupt ? 1 : 0), $"Setting siginterrupt for {signal}");
    }

    /// <summary>What <see cref="SetInterrupt"/> chose for <paramref name="signal"/>: true for EINTR, false for restart.</summary>
    public static bool GetInterrupt(Signal signal)
    {
        signal.EnsureHandleable(nameof(signal));
        return NativeResult.Check(Native.SignalsInterrupt(signal.Number), $"Reading siginterrupt for {signal}") == 1;
    }
}
