using System.Runtime.InteropServices;

namespace Signals.Dispatch;

/// <summary>
/// What we must know about .NET's own signal layer (System.Native, pal_signal.c) to live beside it.
/// </summary>
internal static class RuntimeSignalHandling
{
    private static int _initialized;

    /// <summary>
    /// Makes System.Native install its handlers now, before ours. Its InitializeSignalHandlingCore runs lazily
    /// on the first Console, Process or PosixSignalRegistration use and installs SIGINT, SIGQUIT and SIGCONT
    /// handlers over whatever is there; if ours were there first, SIGINT would reach us only after the
    /// runtime re-sent it to itself (sender pid = our own). Creating and disposing one PosixSignalRegistration
    /// runs that initialisation; SystemNative_DisablePosixSignalHandling never restores SIGCONT, so nothing
    /// else changes.
    /// </summary>
    internal static void EnsureInitialized()
    {
        if (Interlocked.Exchange(ref _initialized, 1) != 0)
            return;
#pragma warning disable CA1416 // libsignals.so exists only for Linux: this never runs on Windows
        using var registration = PosixSignalRegistration.Create(PosixSignal.SIGCONT, static _ => { });
#pragma warning restore CA1416
    }

    private static readonly int Sigint = Signal.SIGINT.Number;
    private static readonly int Sigquit = Signal.SIGQUIT.Number;
    private static readonly int Sigttou = Signal.SIGTTOU.Number;
    private static readonly int Sigchld = Signal.SIGCHLD.Number;
    private static readonly int Sigcont = Signal.SIGCONT.Number;
    private static readonly int Sigwinch = Signal.SIGWINCH.Number;

    /// <summary>
    /// Signals the runtime depends on: replacing their previous handler breaks Process.WaitForExit (SIGCHLD)
    /// or the console (SIGCONT, SIGWINCH), so even a Handle subscription chains to it.
    /// </summary>
    internal static bool DependsOnPrevious(int number) => number == Sigchld || number == Sigcont || number == Sigwinch;

    /// <summary>
    /// Signals System.Native puts a handler on when it initialises or with the Console and Process use that
    /// initialises it (runtime-coexistence.md): SIGINT, SIGQUIT and SIGCONT at initialisation, SIGCHLD and SIGWINCH
    /// with Process and Console, SIGTTOU around the console's tcsetattr. Only these need
    /// <see cref="EnsureInitialized"/> before our install. Any other signal never meets that initialisation
    /// (strace: it installs INT, QUIT and CONT and nothing else), so a process that subscribes only to others
    /// does not pay for it: a PosixSignalRegistration, about 2 ms of the first Subscribe (bench:
    /// first_subscribe_ms), and System.Native's signal thread unless Console or Process start it anyway.
    /// </summary>
    internal static bool TakenAtInitialization(int number) =>
        number == Sigint || number == Sigquit || number == Sigcont || number == Sigchld || number == Sigwinch || number == Sigttou;
}
