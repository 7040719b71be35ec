using System.Diagnostics;
using Signals.Interop;

namespace Signals;

/// <summary>
/// Sending signals: Python's <c>os.kill</c>, <c>raise_signal</c>, <c>pthread_kill</c>, <c>pidfd_send_signal</c>,
/// plus <c>sigqueue</c> (by pid or through a pidfd).
/// </summary>
public static class SignalSender
{
    /// <summary>
    /// Sends <paramref name="signal"/> with kill(2). <paramref name="pid"/> &gt; 0: that process; 0: every process
    /// in the caller's process group; &lt; -1: every process in process group -<paramref name="pid"/>.
    /// -1 is refused: kill(2) reads it as "every process the caller may signal except init and itself" (for root,
    /// nearly the whole system), and a -1 that was meant as "no pid" is a common bug. Use
    /// <see cref="KillEveryProcess"/> when that is really meant.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pid"/> is -1.</exception>
    /// <exception cref="ArgumentException">No such process or process group.</exception>
    /// <exception cref="UnauthorizedAccessException">Not permitted to signal that process.</exception>
    public static void Kill(int pid, Signal signal)
    {
        if (pid == -1)
            throw new ArgumentOutOfRangeException(nameof(pid), pid,
                $"Sending {signal} to pid -1 would signal every process this one may signal; use SignalSender.KillEveryProcess if that is meant.");
        NativeResult.Check(Native.SignalsKill(pid, Checked(signal)), $"Sending {signal} to process {pid}");
    }

    /// <summary>
    /// kill(-1, <paramref name="signal"/>): sends it to every process the caller may signal (same real or effective
    /// uid; for root, all of them), except init (pid 1 of its pid namespace) and the caller itself. What
    /// <see cref="Kill(int, Signal)"/> refuses to do by accident.
    /// </summary>
    /// <exception cref="ArgumentException">There was no process to signal.</exception>
    /// <exception cref="UnauthorizedAccessException">No process could be signalled.</exception>
    public static void KillEveryProcess(Signal signal) =>
        NativeResult.Check(Native.SignalsKill(-1, Checked(signal)), $"Sending {signal} to every process (pid -1)");

    /// <summary>
    /// Whether process <paramref name="pid"/> exists and may be signalled (kill with signal 0; the same pid rules as
    /// <see cref="Kill(int, Signal)"/>, except that -1 asks whether any process may be signalled).
    /// </summary>
    public static bool CanSignal(int pid) => Native.SignalsKill(pid, 0) == 0;

    /// <summary>Sends <paramref name="signal"/> to the calling thread (raise(3)), like Python's <c>raise_signal</c>.</summary>
    public static void Raise(Signal signal) =>
        NativeResult.Check(Native.SignalsRaise(Checked(signal)), $"Raising {signal}");

    /// <summary>Sends <paramref name="signal"/> to process <paramref name="pid"/> with a value (sigqueue(3)).</summary>
    /// <exception cref="InvalidOperationException">The receiver's queue of pending signals is full (EAGAIN).</exception>
    public static void Queue(int pid, Signal signal, long value)
    {
        int result = Native.SignalsSigqueue(pid, Checked(signal), value);
        if (result == -NativeResult.EAGAIN)
            throw new InvalidOperationException($"Sending {signal} to process {pid} with sigqueue: the limit of queued signals (RLIMIT_SIGPENDING) is reached.");
        NativeResult.Check(result, $"Sending {signal} with value {value} to process {pid}");
    }

    /// <summary>
    /// Opens a <see cref="ProcessHandle"/> for process <paramref name="pid"/> (pidfd_open(2), Linux 5.3+). Signals sent
    /// through it reach that process or nobody: never a later process that was given the same pid. Open it while
    /// the pid is known to be right (for a child, before it can be reaped) and keep it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pid"/> is not positive.</exception>
    /// <exception cref="ArgumentException">No process has that pid (ESRCH).</exception>
    /// <exception cref="PlatformNotSupportedException">The kernel has no pidfd_open (before Linux 5.3).</exception>
    public static ProcessHandle OpenProcess(int pid)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pid);
        int fd = Native.SignalsPidfdOpen(pid);
        if (fd == -NativeResult.ESRCH)
            throw new ArgumentException($"Opening process {pid}: there is no process {pid} (ESRCH).", nameof(pid));
        if (fd == -NativeResult.ENOSYS)
            throw new PlatformNotSupportedException("pidfd_open(2) needs Linux 5.3 or later.");
        NativeResult.Check(fd, $"Opening process {pid} (pidfd_open)");
        return new ProcessHandle(pid, new PidfdSafeHandle(fd));
    }

    /// <summary>
    /// Opens a <see cref="ProcessHandle"/> for <paramref name="process"/>. For a child started with
    /// <see cref="Process.Start()"/> this is race-free: its pid cannot be reused before .NET reaps it, and .NET
    /// marks it exited when it does, so a process that has not exited after the pidfd was opened is the one the
    /// pidfd holds. For a process that is not our child the pid may have been reused between the time the
    /// <see cref="Process"/> was obtained and this call (nothing in .NET pins it); open a handle by pid early then.
    /// </summary>
    /// <exception cref="InvalidOperationException">The process has exited (or was never started).</exception>
    public static ProcessHandle OpenProcess(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        int pid = process.Id;
        ProcessHandle handle;
        try
        {
            handle = OpenProcess(pid);
        }
        catch (ArgumentException) when (process.HasExited)
        {
            throw new InvalidOperationException($"Process {pid} has exited.");
        }
        // Checked after the open: not exited now means not reaped when the pidfd was opened, so it holds this process.
        if (process.HasExited)
        {
            handle.Dispose();
            throw new InvalidOperationException($"Process {pid} has exited.");
        }
        return handle;
    }

    /// <summary>
    /// Sends <paramref name="signal"/> to <paramref name="process"/> without the pid-reuse race of
    /// <see cref="Kill(int, Signal)"/>: through a pidfd opened as <see cref="OpenProcess(Process)"/> does.
    /// </summary>
    /// <exception cref="InvalidOperationException">The process has exited.</exception>
    /// <exception cref="UnauthorizedAccessException">Not permitted to signal that process.</exception>
    public static void Kill(Process process, Signal signal)
    {
        int signo = Checked(signal);
        using var handle = OpenProcess(process);
        Send(handle, signo, hasValue: false, 0, $"Sending {signal} to process {handle.ProcessId}");
    }

    /// <summary>Sends <paramref name="signal"/> through <paramref name="process"/> (pidfd_send_signal(2)), as SI_USER.</summary>
    /// <exception cref="InvalidOperationException">The process has exited; nothing was sent to anyone.</exception>
    /// <exception cref="UnauthorizedAccessException">Not permitted to signal that process.</exception>
    /// <exception cref="ObjectDisposedException">The handle was disposed.</exception>
    public static void Kill(ProcessHandle process, Signal signal)
    {
        ArgumentNullException.ThrowIfNull(process);
        Send(process, Checked(signal), hasValue: false, 0, $"Sending {signal} to process {process.ProcessId}");
    }

    /// <summary>
    /// Sends <paramref name="signal"/> with a value through <paramref name="process"/>: sigqueue(3)'s semantics
    /// (si_code SI_QUEUE, our pid and uid, the value in si_value) with pidfd_send_signal(2)'s guarantee.
    /// </summary>
    /// <exception cref="InvalidOperationException">The process has exited; or its queue of pending signals is full.</exception>
    /// <exception cref="UnauthorizedAccessException">Not permitted to signal that process.</exception>
    /// <exception cref="ObjectDisposedException">The handle was disposed.</exception>
    public static void Queue(ProcessHandle process, Signal signal, long value)
    {
        ArgumentNullException.ThrowIfNull(process);
        Send(process, Checked(signal), hasValue: true, value, $"Sending {signal} with value {value} to process {process.ProcessId}");
    }

    private static void Send(ProcessHandle process, int signo, bool hasValue, long value, string what)
    {
        int result = process.Send(signo, hasValue, value);
        if (result == -NativeResult.ESRCH)
            throw new InvalidOperationException($"{what}: process {process.ProcessId} has exited (ESRCH); nothing was sent.");
        if (result == -NativeResult.EAGAIN)
            throw new InvalidOperationException($"{what}: the limit of queued signals (RLIMIT_SIGPENDING) is reached.");
        NativeResult.Check(result, what);
    }

    /// <summary>The calling thread's pthread handle, for <see cref="PthreadKill"/> (Python's <c>threading.get_ident()</c>).</summary>
    public static ulong CurrentThreadHandle => Native.SignalsThreadSelf();

    /// <summary>The calling thread's kernel thread id, for <see cref="ThreadKill"/>.</summary>
    public static int CurrentThreadId => Native.SignalsThreadId();

    /// <summary>
    /// Sends <paramref name="signal"/> to a thread of this process by its pthread handle (pthread_kill(3)).
    /// The handle must come from <see cref="CurrentThreadHandle"/> of a thread that is still alive: like
    /// pthread_kill itself, a stale or made-up handle is undefined behaviour and may crash the process.
    /// Prefer <see cref="ThreadKill"/>, which fails cleanly (ESRCH) for a thread that is gone.
    /// </summary>
    public static void PthreadKill(ulong threadHandle, Signal signal) =>
        NativeResult.Check(Native.SignalsPthreadKill(threadHandle, Checked(signal)), $"Sending {signal} to thread {threadHandle:x}");

    /// <summary>Sends <paramref name="signal"/> to a thread of this process by its kernel thread id (tgkill(2)).</summary>
    public static void ThreadKill(int threadId, Signal signal) =>
        NativeResult.Check(Native.SignalsThreadKill(threadId, Checked(signal)), $"Sending {signal} to thread {threadId}");

    /// <summary>This process's id (getpid).</summary>
    public static int ProcessId => Native.SignalsGetpid();

    /// <summary>This process's real user id (getuid): what receivers see as <see cref="SignalEvent.SenderUid"/>.</summary>
    public static uint UserId => Native.SignalsGetuid();

    private static int Checked(Signal signal) =>
        signal.Number != 0 ? signal.Number : throw new ArgumentException("The default Signal value is not a signal.", nameof(signal));
}
