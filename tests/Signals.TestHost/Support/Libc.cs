using System.Runtime.InteropServices;

namespace Signals.TestHost.Support;

/// <summary>
/// libc calls a test needs in order to act as someone else (another library that puts SIG_DFL back over our
/// handler). Not the library's own API, which the tests reach only through the generated binding.
/// </summary>
internal static class Libc
{
    private static readonly nint SigDfl = 0;

    // Looked up by name and called through a function pointer: no DllImport in this repository.
    private static readonly nint SignalFunction = NativeLibrary.GetExport(NativeLibrary.Load("libc.so.6"), "signal");

    /// <summary>signal(signo, SIG_DFL), as a foreign repairer would do.</summary>
    public static unsafe void SetDefault(Signal signal)
    {
        var setHandler = (delegate* unmanaged<int, nint, nint>)SignalFunction;
        if (setHandler(signal.Number, SigDfl) == -1)
            throw new InvalidOperationException($"signal({signal}, SIG_DFL) failed: errno {Marshal.GetLastSystemError()}");
    }
}
