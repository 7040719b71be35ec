namespace Signals.Hosting;

/// <summary>What a second SIGTERM or SIGINT does while the application is already stopping.</summary>
public enum SecondSignalBehavior
{
    /// <summary>
    /// End the process by that signal at once (exit status 128+N), whatever is still running: someone who signals
    /// twice means it (a second Ctrl-C). Orchestrators send one SIGTERM and then SIGKILL, so this never cuts a
    /// Docker or Kubernetes shutdown short. The default.
    /// </summary>
    ExitNow,

    /// <summary>Log the signal and keep waiting for the graceful shutdown or the <see cref="SignalHostingOptions.ShutdownDeadline"/>.</summary>
    KeepWaiting,
}
