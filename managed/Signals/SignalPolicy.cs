namespace Signals;

/// <summary>What a subscription does with the action that was installed before it.</summary>
public enum SignalPolicy
{
    /// <summary>
    /// Replace it, like Python's <c>signal.signal</c>: while the subscription lives, the signal's earlier
    /// behaviour (default action, a handler installed by the runtime or by native code) does not run.
    /// Exception: SIGCHLD, SIGCONT and SIGWINCH always chain to a previous native handler, because
    /// <c>Process.WaitForExit</c> and the console depend on it.
    /// </summary>
    Handle,

    /// <summary>
    /// Record the delivery, then call the previous native handler, so the earlier behaviour continues.
    /// A previous SIG_DFL or SIG_IGN is not emulated: observing a signal whose previous action is the
    /// default only records it.
    /// </summary>
    Observe,
}
