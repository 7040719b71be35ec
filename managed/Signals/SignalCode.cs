namespace Signals;

/// <summary>Where a delivery came from (the kernel's <c>si_code</c>, grouped).</summary>
public enum SignalCode
{
    /// <summary>kill(2), raise(3) or the kill command (SI_USER).</summary>
    User,
    /// <summary>sigqueue(3), with a value (SI_QUEUE).</summary>
    Queue,
    /// <summary>A POSIX timer expired (SI_TIMER).</summary>
    Timer,
    /// <summary>A message arrived on a POSIX message queue (SI_MESGQ).</summary>
    MessageQueue,
    /// <summary>Asynchronous I/O completed (SI_ASYNCIO).</summary>
    AsyncIO,
    /// <summary>I/O is possible on a file descriptor (SI_SIGIO).</summary>
    IO,
    /// <summary>tgkill(2) or pthread_kill(3) (SI_TKILL).</summary>
    ThreadKill,
    /// <summary>The kernel sent it, e.g. an alarm or interval timer (SI_KERNEL).</summary>
    Kernel,
    /// <summary>SIGCHLD: a child exited, was killed, stopped or continued (CLD_*).</summary>
    Child,
    /// <summary>Deliveries that arrived while the record ring was full: <see cref="SignalEvent.Count"/> says how many.</summary>
    Coalesced,
    /// <summary>Any other code; see <see cref="SignalEvent.RawCode"/>.</summary>
    Other,
    /// <summary>
    /// The delivery reached our handler without a siginfo: a plain (non-SA_SIGINFO) handler installed above ours
    /// called ours with none. Nothing is known of the sender, and it is never verified.
    /// </summary>
    NoInfo,
}
