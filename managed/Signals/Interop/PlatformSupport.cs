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
/// before any code of the assembly runs), loads the library once, and when that fails throws
/// PlatformNotSupportedException from the P/Invoke itself, naming the supported runtimes and the reason.
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

    // Loaded once, by the first caller (under LoadGate). Not a Lazy<(IntPtr, string?)>: that generic over a
    // value tuple is JIT-compiled at the first use of a process (bench: first_subscribe_ms).
    private static readonly object LoadGate = new();
    private static volatile bool _loaded;
    private static IntPtr _handle;
    private static string? _problem;

    /// <summary>Whether libsignals loaded: false means every use of the API throws PlatformNotSupportedException.</summary>
    public static bool IsSupported
    {
        get
        {
            EnsureLoaded();
            return _problem is null;
        }
    }

    /// <summary>Throws the same PlatformNotSupportedException the first P/Invoke would throw.</summary>
    public static void EnsureSupported()
    {
        EnsureLoaded();
        if (_problem is { } problem)
            throw new PlatformNotSupportedException(problem);
    }

    private static void EnsureLoaded()
    {
        if (_loaded)
            return;
        lock (LoadGate)
        {
            if (_loaded)
                return;
            _problem = Load(out _handle);
            _loaded = true;
        }
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

    // The library's handle, or the reason there is none (returned; the handle is then zero).
    private static string? Load(out IntPtr handle)
    {
        handle = IntPtr.Zero;
        string runtime = RuntimeInformation.RuntimeIdentifier;
        if (!OperatingSystem.IsLinux())
            return $"Signals works on Linux only: its native library is built for {SupportedRuntimes}, " +
                $"and this process runs on {runtime} ({RuntimeInformation.OSDescription}). " +
                "Check SignalEvents.IsSupported to run without it.";
        try
        {
            // The same search a DllImport makes: the app's deps.json native paths (runtimes/RID/native), then
            // the app folder and the system's. A resolver's own load does not call the resolver again.
            handle = NativeLibrary.Load(LibraryFileName, typeof(PlatformSupport).Assembly, null);
            return null;
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            return $"Signals has no usable native library (libsignals.so) for {runtime}: the package " +
                $"carries it for {SupportedRuntimes}. Check SignalEvents.IsSupported to run without it. " +
                $"Loading it failed: {e.Message}";
        }
    }
}
