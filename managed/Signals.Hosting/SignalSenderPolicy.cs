namespace Signals.Hosting;

/// <summary>
/// Who may trigger one Hosting action (reload, stop, diagnostics). Empty (the default) lets any process that may
/// signal this one trigger it. A rejected delivery does nothing but log a warning through <c>ILogger</c>.
/// </summary>
public sealed class SignalSenderPolicy
{
    /// <summary>
    /// When set, only senders the kernel vouches for (<see cref="SignalEvent.IsSenderVerified"/>) with one of these
    /// real user ids are accepted (<see cref="SubscriptionOptions.AllowedSenderUids"/>). Default: null (any uid).
    /// </summary>
    public IReadOnlyCollection<uint>? AllowedUids { get; set; }

    /// <summary>
    /// When set, only senders the kernel vouches for with one of these pids are accepted
    /// (<see cref="SubscriptionOptions.AllowedSenderPids"/>). Pid 0 stands for the kernel and for any sender outside
    /// this pid namespace (e.g. <c>docker stop</c>, a kubelet). Default: null (any pid).
    /// </summary>
    public IReadOnlyCollection<int>? AllowedPids { get; set; }

    /// <summary>
    /// Accept only senders the kernel vouches for (kill, tgkill, the kernel): a <c>sigqueue</c> or a coalesced
    /// delivery, whose pid and uid nobody vouches for, is rejected. Implied by <see cref="AllowedUids"/> and
    /// <see cref="AllowedPids"/>. Default: false.
    /// </summary>
    public bool VerifiedSendersOnly { get; set; }

    internal bool Accepts(SignalEvent signalEvent) =>
        (!VerifiedSendersOnly && AllowedUids is null && AllowedPids is null) ||
        (signalEvent.IsSenderVerified &&
         (AllowedUids is null || AllowedUids.Contains(signalEvent.SenderUid)) &&
         (AllowedPids is null || AllowedPids.Contains(signalEvent.SenderPid)));
}
