using Signals.Dispatch;
using Signals.Interop;

namespace Signals;

/// <summary>
/// Which SIG_DFL/SIG_IGN settings <see cref="SignalHandlers.Set(Signal, SignalDisposition)"/> refuses because they
/// would break the .NET runtime quietly. The runtime's System.Native layer installs a handler for SIGCHLD at the
/// first Process.Start (it drives Process.WaitForExit) and for SIGCONT and SIGWINCH with Console (terminal state);
/// it never puts its handler back once something else replaced it.
/// <list type="bullet">
/// <item>SIG_IGN on SIGCHLD, always: the kernel then reaps children itself (POSIX), so the runtime's waitpid
/// fails with ECHILD and WaitForExit never sees an exit status, whether or not Process was used yet.</item>
/// <item>SIG_DFL or SIG_IGN on SIGCHLD, SIGCONT or SIGWINCH while the runtime's handler is there (the current
/// action is a native handler, or ours with a native handler saved underneath): that handler would be gone
/// for good. SignalHandlers.Restore puts back the saved one instead.</item>
/// </list>
/// </summary>
internal static class SignalDispositionRules
{
    /// <summary>Throws <see cref="InvalidOperationException"/> when setting <paramref name="builtin"/> on <paramref name="signal"/> would break the runtime.</summary>
    /// <param name="signal">The signal about to be set.</param>
    /// <param name="builtin"><see cref="SignalDispositionKind.Default"/> or <see cref="SignalDispositionKind.Ignored"/>.</param>
    /// <param name="current">What is installed now (<see cref="SignalHandlers.Get"/>).</param>
    internal static void EnsureBuiltinAllowed(Signal signal, SignalDispositionKind builtin, SignalDispositionKind current)
    {
        string setting = builtin == SignalDispositionKind.Ignored ? "SIG_IGN" : "SIG_DFL";
        if (signal == Signal.SIGCHLD && builtin == SignalDispositionKind.Ignored)
            throw new InvalidOperationException(
                $"{signal}: refusing {setting}: with SIGCHLD ignored the kernel reaps child processes itself, so the .NET runtime " +
                "cannot collect their exit status and Process.WaitForExit breaks. Subscribe to SIGCHLD (an observer) instead.");
        if (!RuntimeSignalHandling.DependsOnPrevious(signal.Number) || !RuntimeHandlerPresent(signal, current))
            return;
        throw new InvalidOperationException(
            $"{signal}: refusing {setting}: a native handler (the .NET runtime's, which {RuntimeUse(signal)}) is installed for it, " +
            $"and {setting} would remove it for good. Use SignalHandlers.Restore({signal}) to put back the action that was there " +
            "before our handler.");
    }

    private static string RuntimeUse(Signal signal) =>
        signal == Signal.SIGCHLD ? "drives Process.WaitForExit" : "restores the terminal for Console";

    private static bool RuntimeHandlerPresent(Signal signal, SignalDispositionKind current) => current switch
    {
        SignalDispositionKind.Native => true,
        // Ours, chaining to the action saved when it was installed: a native one is the runtime's handler.
        SignalDispositionKind.Managed => Native.SignalsPreviousDisposition(signal.Number) == NativeConstants.DispositionForeign,
        _ => false,
    };
}
