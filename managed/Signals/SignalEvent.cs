using System.Diagnostics;
using Signals.Interop;

namespace Signals;

/// <summary>
/// One delivery of a signal, as the native handler recorded it: who sent it, with what value, when.
/// A value type: reading and dispatching events allocates nothing.
/// </summary>
public readonly struct SignalEvent
{
    private const int CodeUser = 0;        // SI_USER
    private const int CodeThreadKill = -6; // SI_TKILL
    private const int CodeKernel = 0x80;   // SI_KERNEL
    private const int SigchldNumber = 17;  // SIGCHLD on Linux, as a constant for the switches below

    private readonly NativeRecord _record;

    internal SignalEvent(in NativeRecord record) => _record = record;

    /// <summary>Came under a Handle policy: the signal's previous action did not run for it.</summary>
    internal bool CameUnderHandle => _record.IsHandled;

    /// <summary>The signal.</summary>
    public Signal Signal => new(_record.Signo);

    /// <summary>The kernel's si_code, as is.</summary>
    public int RawCode => _record.Code;

    /// <summary>Where the delivery came from.</summary>
    public SignalCode Code => _record.Code switch
    {
        NativeConstants.CodeCoalesced => SignalCode.Coalesced,
        NativeConstants.CodeNoInfo => SignalCode.NoInfo,
        CodeUser => SignalCode.User,
        -1 => SignalCode.Queue,
        -2 => SignalCode.Timer,
        -3 => SignalCode.MessageQueue,
        -4 => SignalCode.AsyncIO,
        -5 => SignalCode.IO,
        CodeThreadKill => SignalCode.ThreadKill,
        CodeKernel => SignalCode.Kernel,
        > 0 when _record.Signo == SigchldNumber => SignalCode.Child,
        _ => SignalCode.Other,
    };

    /// <summary>
    /// The sending process, as the kernel reports it in the receiver's pid namespace: 0 when the kernel sent
    /// it, when the record is coalesced, and when the sender lives outside this process's pid namespace (in a
    /// parent namespace or a sibling one). Trust it only when <see cref="IsSenderVerified"/> is true.
    /// </summary>
    public int SenderPid => _record.SenderPid;

    /// <summary>
    /// The real user id of the sender, mapped into this process's user namespace (an id with no mapping there
    /// shows as the overflow uid, usually 65534); 0 when the kernel sent it or the record is coalesced. Trust
    /// it only when <see cref="IsSenderVerified"/> is true.
    /// </summary>
    public uint SenderUid => _record.SenderUid;

    /// <summary>
    /// Whether the kernel vouches for <see cref="SenderPid"/> and <see cref="SenderUid"/>. It fills them itself
    /// for <c>SI_USER</c> (kill(2), raise), <c>SI_TKILL</c> (tgkill(2); the kernel refuses that code, and every
    /// code ≥ 0, from rt_sigqueueinfo to another process, so nobody else can forge them), <c>SI_KERNEL</c>
    /// (sent by the kernel itself: pid 0, uid 0) and SIGCHLD's <c>CLD_*</c> codes (the child). For
    /// <c>SI_QUEUE</c> (sigqueue), <c>SI_MESGQ</c>, <c>SI_ASYNCIO</c> and any other code below 0 they are
    /// whatever the sending process wrote into its siginfo: any process that may signal us can claim any
    /// pid and uid. Other kernel codes (SIGIO's <c>POLL_*</c>) carry no sender at all, and neither a coalesced
    /// event nor one that reached us without a siginfo (<see cref="SignalCode.NoInfo"/>) has one: not verified. <see cref="SubscriptionOptions.AllowedSenderUids"/> and
    /// <see cref="SubscriptionOptions.AllowedSenderPids"/> accept only verified senders.
    /// </summary>
    /// <remarks>
    /// Verified means "as the kernel reports it to us", and across namespaces that is a translation: a sender
    /// outside our pid namespace shows pid 0, the same as the kernel itself (so an allowed pid 0 admits both),
    /// and a uid is mapped through our user namespace. Only this process can give itself a made-up
    /// <c>SI_USER</c> or <c>SI_TKILL</c> (rt_sigqueueinfo to its own pid).
    /// </remarks>
    public bool IsSenderVerified => _record.Code switch
    {
        NativeConstants.CodeCoalesced or NativeConstants.CodeNoInfo => false,
        CodeUser or CodeThreadKill or CodeKernel => true,
        > 0 => _record.Signo == SigchldNumber,
        _ => false,
    };

    /// <summary>The value sent with sigqueue (0 otherwise).</summary>
    public long Value => _record.Value;

    /// <summary>When the handler ran, in <see cref="Stopwatch"/> ticks (both are CLOCK_MONOTONIC on Linux).</summary>
    public long Timestamp => Stopwatch.Frequency == 1_000_000_000
        ? _record.TimestampNs
        : (long)(_record.TimestampNs * (Stopwatch.Frequency / 1e9));

    /// <summary>How long ago the handler ran.</summary>
    public TimeSpan Age => Stopwatch.GetElapsedTime(Timestamp);

    /// <summary>How many deliveries this event stands for: 1, or N for a coalesced event.</summary>
    public int Count => _record.Code == NativeConstants.CodeCoalesced ? (int)Math.Min(_record.Coalesced, int.MaxValue) : 1;

    /// <summary>Whether this event stands for deliveries whose details were lost to a full record ring.</summary>
    public bool IsCoalesced => _record.Code == NativeConstants.CodeCoalesced;

    /// <inheritdoc/>
    public override string ToString() =>
        IsCoalesced ? $"{Signal} x{Count} (coalesced)"
            : $"{Signal} from pid {SenderPid} uid {SenderUid} ({Code}, {(IsSenderVerified ? "verified" : "not verified")})";
}
