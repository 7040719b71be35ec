using System.Runtime.InteropServices;

namespace Signals.TestHost.Support;

/// <summary>
/// libc calls a test needs in order to act as someone else (another library that puts SIG_DFL back over our
/// handler). Not the library's own API, which the tests reach only through the generated binding.
/// </summary>
internal static class Libc
{
    private static readonly nint SigDfl = 0;

    [DllImport("libc", EntryPoint = "signal", SetLastError = true)]
    private static extern nint SetHandler(int signo, nint handler);

    /// <summary>signal(signo, SIG_DFL), as a foreign repairer would do.</summary>
    public static void SetDefault(Signal signal)
    {
        if (SetHandler(signal.Number, SigDfl) == -1)
            throw new InvalidOperationException($"signal({signal}, SIG_DFL) failed: errno {Marshal.GetLastPInvokeError()}");
    }
}
