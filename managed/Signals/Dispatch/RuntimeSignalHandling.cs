using System.Runtime.InteropServices;

namespace Signals.Dispatch;

/// <summary>
/// Makes System.Native set up its signal handling before we install anything. Its initialisation
/// (pal_signal.c, InitializeSignalHandlingCore) installs handlers for SIGINT, SIGQUIT and SIGCONT; done
/// after ours, it would overwrite them, and repairing that would cut Console.CancelKeyPress out of the
/// chain. Done first, System.Native always lies beneath us, whatever the order the application chose.
/// </summary>
internal static class RuntimeSignalHandling
{
    private static bool _initialized;

    /// <summary>Called with <see cref="SignalRegistry.Gate"/> held, before the first install.</summary>
    internal static void EnsureInitialized()
    {
        if (_initialized)
            return;
        _initialized = true;
        // Any registration runs the initialisation. SIGURG because its default action is to ignore, and
        // disposing the registration restores whatever was there before (SystemNative_DisablePosixSignalHandling).
        PosixSignalRegistration.Create((PosixSignal)Signal.SIGURG.Number, static _ => { }).Dispose();
    }
}
