namespace Signals;

/// <summary>How a subscription receives signals.</summary>
public sealed class SubscriptionOptions
{
    /// <summary>Replace or keep the previous action (default: <see cref="SignalPolicy.Handle"/>).</summary>
    public SignalPolicy Policy { get; init; } = SignalPolicy.Handle;

    /// <summary>Where the callback runs (default: the dispatcher thread).</summary>
    public CallbackTarget Target { get; init; } = CallbackTarget.Dispatcher;

    /// <summary>
    /// When set, only deliveries whose sender the kernel vouches for (<see cref="SignalEvent.IsSenderVerified"/>:
    /// kill, tgkill, the kernel, SIGCHLD) and whose <see cref="SignalEvent.SenderUid"/> is listed reach the
    /// callback; the rest (other uids, sigqueue and other codes whose uid the sender writes itself, coalesced
    /// events) are dropped and reported (<see cref="OnRejected"/>).
    /// </summary>
    public IReadOnlyCollection<uint>? AllowedSenderUids { get; init; }

    /// <summary>
    /// When set, only deliveries whose sender the kernel vouches for (<see cref="SignalEvent.IsSenderVerified"/>)
    /// and whose <see cref="SignalEvent.SenderPid"/> is listed reach the callback; the rest are dropped and
    /// reported (<see cref="OnRejected"/>). Pid 0 stands for the kernel and for any sender outside this
    /// process's pid namespace alike.
    /// </summary>
    public IReadOnlyCollection<int>? AllowedSenderPids { get; init; }

    /// <summary>
    /// Called on the dispatcher thread for each delivery the sender policy dropped. Without it, a
    /// dropped delivery is written to standard error. Either way <see cref="SignalSubscription.RejectedCount"/> counts it.
    /// </summary>
    public Action<SignalEvent>? OnRejected { get; init; }

    /// <summary>
    /// After the callback has run for a delivery, end the process by that signal's default action
    /// (exit status 128+N): the "handle, clean up, then die as the signal says" pattern for SIGTERM/SIGINT.
    /// </summary>
    public bool ExitBySignalAfterCallback { get; init; }

    internal static SubscriptionOptions Default { get; } = new();
}
