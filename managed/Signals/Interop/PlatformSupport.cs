using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Signals.Interop;

/// <summary>
/// Loads libsignals for the generated binding, and gives the one answer on a platform it was not built for.
/// The package carries the library for <see cref="SupportedRuntimes"/> only. Elsewhere (Windows, macOS, a
/// linux RID without an asset) the runtime would throw DllNotFoundException at the first P/Invoke, or a
/// TypeInitializationException around it. Instead, this type is the binding's DllImport resolver (registered
/// before any code of the assembly runs), loads the library, and when that fails throws from the P/Invoke itself:
/// PlatformNotSupportedException naming the supported runtimes and the reason, or, when the process only lacked a
/// resource for a while (EMFILE), IOException naming it. A failed load is tried again by the next call.
/// Nothing may call the binding from a static initializer, or that exception would be wrapped again.
/// </summary>
internal static class PlatformSupport
{
    /// <summary>The runtime identifiers the Signals package has a native library for.</summary>
    public const string SupportedRuntimes = "linux-x64, linux-arm64 and linux-musl-x64";

    // The name SWIG's -dllimport gives every P/Invoke (native/CMakeLists.txt).
    private const string LibraryName = "signals";

    // What Load asks for: the file's own name is found at the first place searched that has it, where
    // "signals" is first tried as signals.so in every directory (strace: eight failed opens before the hit).
    private const string LibraryFileName = "libsignals.so";

    // Loaded by the first caller that succeeds (under LoadGate). A failed load is not remembered: it is tried again
    // by the next call, because a load can fail for a while (EMFILE, ENOMEM) as well as for good (no library for
    // this runtime), and a process that ran out of descriptors once must not lose the API for the rest of its life.
    // Only the answers that cannot change are kept: loaded, or not Linux. Not a Lazy<(IntPtr, string?)>: that
    // generic over a value tuple is JIT-compiled at the first use of a process (bench: first_subscribe_ms).
    private static readonly object LoadGate = new();
    private static volatile bool _settled;
    private static IntPtr _handle;
    private static string? _notLinux;

    /// <summary>
    /// Whether libsignals is loaded (loading it if need be). False on a platform it was not built for (then every use
    /// of the API throws PlatformNotSupportedException), or when this attempt failed for a passing reason, such as no
    /// free file descriptor (then the next use tries again).
    /// </summary>
    public static bool IsSupported => TryLoad() is null;

    /// <summary>
    /// Loads libsignals, or throws what the first P/Invoke would throw: PlatformNotSupportedException when this
    /// runtime has no usable library, IOException when the load failed for a passing reason (out of descriptors or
    /// memory), naming the loader's error; the next call tries again.
    /// </summary>
    public static void EnsureSupported()
    {
        if (TryLoad() is { } failure)
            throw failure;
    }

    // Null once the library is loaded, else the exception that says why it is not (a new one per attempt).
    private static Exception? TryLoad()
    {
        if (!_settled)
        {
            lock (LoadGate)
            {
                if (!_settled)
                    return Load();
            }
        }
        return _notLinux is { } problem ? new PlatformNotSupportedException(problem) : null;
    }

    // A module initializer because the resolver must be in place before the first P/Invoke, whichever of the
    // public types a program touches first; registering it costs nothing and loads nothing.
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
        Justification = "The DllImport resolver must be registered before any P/Invoke of this assembly.")]
    internal static void RegisterResolver() =>
        NativeLibrary.SetDllImportResolver(typeof(PlatformSupport).Assembly, Resolve);

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != LibraryName)
            return IntPtr.Zero; // not ours: the runtime's default probing
        EnsureSupported();
        return _handle;
    }

    // Under LoadGate. Sets _handle and _settled when the library loaded (returns null), or _settled and _notLinux when
    // it can never load here; otherwise returns the failure of this attempt and keeps nothing.
    private static Exception? Load()
    {
        string runtime = RuntimeInformation.RuntimeIdentifier;
        if (!OperatingSystem.IsLinux())
        {
            _notLinux = $"Signals works on Linux only: its native library is built for {SupportedRuntimes}, " +
                $"and this process runs on {runtime} ({RuntimeInformation.OSDescription}). " +
                "Check SignalEvents.IsSupported to run without it.";
            _settled = true;
            return new PlatformNotSupportedException(_notLinux);
        }
        try
        {
            // The same search a DllImport makes: the app's deps.json native paths (runtimes/RID/native), then
            // the app folder and the system's. A resolver's own load does not call the resolver again.
            _handle = NativeLibrary.Load(LibraryFileName, typeof(PlatformSupport).Assembly, null);
            _settled = true;
            return null;
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            if (IsPassing(e.Message))
                return new IOException($"Signals could not load its native library (libsignals.so) just now: the process " +
                    "is out of a resource the loader needs (file descriptors or memory), which is not a problem of the platform; " +
                    $"the next call tries again. The loader said: {e.Message}", e);
            return new PlatformNotSupportedException($"Signals has no usable native library (libsignals.so) for {runtime}: " +
                $"the package carries it for {SupportedRuntimes}. Check SignalEvents.IsSupported to run without it. " +
                $"Loading it failed: {e.Message}", e);
        }
    }

    // The loader's message holds dlerror() for each place tried, each ending in the C library's strerror text. These
    // say that the process lacked a resource for a while, not that the file is missing or built for another machine:
    // glibc's and musl's texts for EMFILE and ENFILE, ENOMEM, EAGAIN, and ld.so's failed mmap.
    private static bool IsPassing(string loaderMessage)
    {
        string[] passingCauses =
        [
            "Too many open files", "No file descriptors available", "Cannot allocate memory", "Out of memory",
            "Resource temporarily unavailable", "failed to map segment from shared object",
        ];
        foreach (string cause in passingCauses)
            if (loaderMessage.Contains(cause, StringComparison.Ordinal))
                return true;
        return false;
    }
}
