using System.Runtime.InteropServices;

namespace Signals.TestHost.Support;

/// <summary>
/// libc calls a test needs in order to act as someone else (another library that puts SIG_DFL back over our
/// handler) or to put a resource limit on itself. Not the library's own API, which the tests reach only through the generated binding.
/// </summary>
internal static class Libc
{
    private static readonly nint SigDfl = 0;

    private const int RlimitNproc = 6; // RLIMIT_NPROC

    // Looked up by name and called through a function pointer: no DllImport in this repository.
    private static readonly nint LibcHandle = NativeLibrary.Load("libc.so.6");
    private static readonly nint SignalFunction = NativeLibrary.GetExport(LibcHandle, "signal");
    private static readonly nint PrlimitFunction = NativeLibrary.GetExport(LibcHandle, "prlimit");

    /// <summary>signal(signo, SIG_DFL), as a foreign repairer would do.</summary>
    public static unsafe void SetDefault(Signal signal)
    {
        var setHandler = (delegate* unmanaged<int, nint, nint>)SignalFunction;
        if (setHandler(signal.Number, SigDfl) == -1)
            throw new InvalidOperationException($"signal({signal}, SIG_DFL) failed: errno {Marshal.GetLastSystemError()}");
    }

    /// <summary>
    /// Sets this process's soft RLIMIT_NPROC with prlimit(2), keeping the hard limit; returns the soft limit it
    /// replaced. A clone(2) fails with EAGAIN while the real uid runs at least that many processes and threads
    /// (unless the uid is root or has CAP_SYS_RESOURCE).
    /// </summary>
    public static unsafe ulong SetProcessLimit(ulong soft)
    {
        var prlimit = (delegate* unmanaged<int, int, ulong*, ulong*, int>)PrlimitFunction;
        ulong* old = stackalloc ulong[2]; // struct rlimit: rlim_cur, rlim_max
        if (prlimit(0, RlimitNproc, null, old) != 0)
            throw new InvalidOperationException($"prlimit(RLIMIT_NPROC) failed: errno {Marshal.GetLastSystemError()}");
        ulong* wanted = stackalloc ulong[2];
        wanted[0] = soft;
        wanted[1] = old[1];
        if (prlimit(0, RlimitNproc, wanted, null) != 0)
            throw new InvalidOperationException($"prlimit(RLIMIT_NPROC, {soft}) failed: errno {Marshal.GetLastSystemError()}");
        return old[0];
    }
}
