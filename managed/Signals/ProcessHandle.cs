using Signals.Interop;

namespace Signals;

/// <summary>
/// A process held by a pidfd (pidfd_open(2)), from <see cref="SignalSender.OpenProcess(int)"/>. Unlike a pid, it
/// stays bound to the process it was opened for: once that process has exited, sending through it fails instead
/// of reaching whatever process got the pid next. Dispose it to close the descriptor (close-on-exec, so children
/// never inherit it).
/// </summary>
public sealed class ProcessHandle : IDisposable
{
    private readonly PidfdSafeHandle _pidfd;

    internal ProcessHandle(int processId, PidfdSafeHandle pidfd)
    {
        ProcessId = processId;
        _pidfd = pidfd;
    }

    /// <summary>The pid the process had when the handle was opened (after it exits, another process may get it).</summary>
    public int ProcessId { get; }

    /// <summary>Whether <see cref="Dispose"/> was called.</summary>
    public bool IsClosed => _pidfd.IsClosed;

    /// <summary>Closes the pidfd. Idempotent.</summary>
    public void Dispose() => _pidfd.Dispose();

    /// <summary>pidfd_send_signal through the descriptor, held for the call; the binding's -errno on failure.</summary>
    /// <exception cref="ObjectDisposedException">The handle was disposed.</exception>
    internal int Send(int signo, bool hasValue, long value)
    {
        bool added = false;
        try
        {
            _pidfd.DangerousAddRef(ref added);
            return Native.SignalsPidfdSend((int)_pidfd.DangerousGetHandle(), signo, hasValue ? 1 : 0, value);
        }
        finally
        {
            if (added)
                _pidfd.DangerousRelease();
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"ProcessHandle(pid {ProcessId}{(IsClosed ? ", closed" : "")})";
}
