using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Signals.Tests.Support;

/// <summary>
/// rt_sigqueueinfo(2) with a siginfo the caller fills in: what any process that may signal us can do to claim
/// a sender it is not. The kernel accepts any si_code below 0 except SI_TKILL from another process, and any
/// code at all when the target is the caller itself. libc's syscall(), not the library's API.
/// </summary>
internal static class ForgedSender
{
    public const int CodeQueue = -1; // SI_QUEUE
    private const int SiginfoSize = 128;

    // Looked up by name and called through a function pointer: no DllImport in this repository.
    private static readonly nint SyscallFunction = NativeLibrary.GetExport(NativeLibrary.Load("libc.so.6"), "syscall");

    private static long RtSigqueueinfo => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 129,
        Architecture.Arm64 => 138,
        var other => throw new PlatformNotSupportedException($"rt_sigqueueinfo's number on {other} is not known here"),
    };

    /// <summary>Queues <paramref name="signal"/> to <paramref name="pid"/> claiming the given code, pid and uid.</summary>
    public static unsafe void Send(int pid, Signal signal, int code, int claimedPid, uint claimedUid, long value = 0)
    {
        // siginfo_t on 64-bit Linux: si_signo, si_errno, si_code, padding, then si_pid, si_uid, si_value.
        var info = new byte[SiginfoSize];
        BinaryPrimitives.WriteInt32LittleEndian(info.AsSpan(0), signal.Number);
        BinaryPrimitives.WriteInt32LittleEndian(info.AsSpan(8), code);
        BinaryPrimitives.WriteInt32LittleEndian(info.AsSpan(16), claimedPid);
        BinaryPrimitives.WriteUInt32LittleEndian(info.AsSpan(20), claimedUid);
        BinaryPrimitives.WriteInt64LittleEndian(info.AsSpan(24), value);
        var syscall = (delegate* unmanaged<long, long, long, byte*, long>)SyscallFunction;
        long result;
        fixed (byte* siginfo = info)
            result = syscall(RtSigqueueinfo, pid, signal.Number, siginfo);
        if (result != 0)
            throw new InvalidOperationException($"rt_sigqueueinfo({pid}, {signal}) failed: errno {Marshal.GetLastSystemError()}");
    }
}
