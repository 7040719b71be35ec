using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Signals.Interop;

/// <summary>
/// Turns the binding's results into exceptions. The SWIG wrapper returns -errno for a failed call
/// (signals.i explains why), so no errno has to survive the trip back into managed code.
/// </summary>
internal static class NativeResult
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int ESRCH = 3;
    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int EINVAL = 22;
    public const int ENOSYS = 38;

    /// <summary>Returns <paramref name="result"/> when it is not an error, else throws for <paramref name="what"/>.</summary>
    public static int Check(int result, string what) => result >= 0 ? result : throw Failure(-result, what);

    // Apart and not inlined: Check's own code then names no exception type, and a process whose calls succeed
    // never loads Win32Exception's assembly (bench: first_subscribe_ms).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Exception Failure(int errno, string what)
    {
        return errno switch
        {
            EINVAL => new ArgumentOutOfRangeException(null, $"{what}: invalid argument (EINVAL)."),
            ESRCH => new ArgumentException($"{what}: no such process or thread (ESRCH)."),
            EPERM => new UnauthorizedAccessException($"{what}: operation not permitted (EPERM)."),
            _ => new Win32Exception(errno, $"{what}: {new Win32Exception(errno).Message} (errno {errno})."),
        };
    }
}
