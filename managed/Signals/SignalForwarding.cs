using System.Diagnostics;

namespace Signals;

/// <summary>
/// Passes signals on to a child or a process group, as a supervisor (or PID 1 in a container) must: each delivery
/// of one of the signals is sent on once per delivery (a coalesced event of <see cref="SignalEvent.Count"/> N is sent
/// N times), from the dispatcher thread, while the returned <see cref="SignalForwarder"/> lives.
/// <para>
/// Next to tini <c>-g</c> and dumb-init: those forward to the child's whole process group and (dumb-init) can rewrite
/// one signal into another; they run as a separate PID 1 and exit with the child. Here the .NET process is the
/// supervisor and keeps running: by default (<see cref="SignalPolicy.Handle"/>) the signals no longer take their
/// default action on it, so it decides when to stop (e.g. after its children exited). A <see cref="Process"/> or
/// <see cref="ProcessHandle"/> target is reached through a pidfd opened up front, so a signal never reaches another
/// process that reused the pid of an exited child; a process-group target uses kill(-pgid), which is safe while any
/// member of the group lives (the kernel does not hand out a process-group id still in use). No rewriting: subscribe
/// and send with <see cref="SignalSender"/> for that.
/// </para>
/// </summary>
public static class SignalForwarding
{
    /// <summary>Forwards <paramref name="signals"/> to <paramref name="process"/> (our child) through a pidfd opened now.</summary>
    /// <param name="signals">The signals to pass on (refused ones, e.g. SIGKILL, throw as in <see cref="SignalEvents.Subscribe(IEnumerable{Signal}, Action{SignalEvent}, SubscriptionOptions?)"/>).</param>
    /// <param name="process">The target; it must not have exited yet.</param>
    /// <param name="options">The subscription's options (policy, sender policy); default: Handle, on the dispatcher thread.</param>
    /// <exception cref="InvalidOperationException">The process has already exited.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters",
        Justification = "The overloads differ in the target's type (Process, ProcessHandle): no call can be ambiguous.")]
    public static SignalForwarder Forward(IEnumerable<Signal> signals, Process process, SubscriptionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(process);
        var handle = SignalSender.OpenProcess(process);
        try
        {
            return new SignalForwarder(signals, $"process {handle.ProcessId}", handle, ownsHandle: true, processGroup: 0, options);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Forwards <paramref name="signals"/> through <paramref name="process"/>, which the caller keeps owning (dispose it after the forwarder).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters",
        Justification = "The overloads differ in the target's type (Process, ProcessHandle): no call can be ambiguous.")]
    public static SignalForwarder Forward(IEnumerable<Signal> signals, ProcessHandle process, SubscriptionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(process);
        return new SignalForwarder(signals, $"process {process.ProcessId}", process, ownsHandle: false, processGroup: 0, options);
    }

    /// <summary>
    /// Forwards <paramref name="signals"/> to every process of the process group <paramref name="processGroupId"/>
    /// (kill(-pgid)), e.g. a child started as a group leader and the workers it forked.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="processGroupId"/> is not greater than 1.</exception>
    public static SignalForwarder ForwardToProcessGroup(IEnumerable<Signal> signals, int processGroupId, SubscriptionOptions? options = null)
    {
        if (processGroupId <= 1)
            throw new ArgumentOutOfRangeException(nameof(processGroupId), processGroupId,
                "A process group id is greater than 1 (0 would mean our own group and 1 every process).");
        return new SignalForwarder(signals, $"process group {processGroupId}", null, ownsHandle: false, processGroupId, options);
    }
}
