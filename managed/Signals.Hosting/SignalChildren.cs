using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Signals.Hosting;

/// <summary>
/// The child processes a worker-supervising service runs; a singleton that
/// <see cref="SignalHostingServiceCollectionExtensions.AddSignals"/> registers. Inject it and call
/// <see cref="Supervise"/> for each child you start. While the host runs, each SIGTERM/SIGINT it receives is sent on
/// to every supervised child that is still running (through a pidfd opened by <see cref="Supervise"/>, so never to a
/// process that reused an exited child's pid), at once, before the host's own stop; and the host's stop waits for the
/// children to exit (in the lifecycle's StoppingAsync, before any hosted service's StopAsync, bounded by the host's
/// shutdown timeout and the shutdown deadline) and logs each exit status. Other signals (SIGHUP...) are forwarded only
/// when named in <see cref="Supervise"/>.
/// </summary>
public sealed class SignalChildren(ILogger<SignalChildren> logger) : IDisposable
{
    private readonly object _gate = new();
    private readonly List<Child> _children = [];

    private sealed record Child(Process Process, ProcessHandle Handle, SignalForwarder? Others);

    /// <summary>
    /// Supervises <paramref name="child"/> (already started, not yet exited): termination signals are forwarded to it
    /// and the host's stop waits for it. <paramref name="alsoForward"/> are forwarded too, at every delivery.
    /// Dispose the result to stop supervising it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The child has already exited.</exception>
    public IDisposable Supervise(Process child, params IEnumerable<Signal> alsoForward)
    {
        ArgumentNullException.ThrowIfNull(child);
        var handle = SignalSender.OpenProcess(child);
        var signals = alsoForward.ToArray();
        var entry = new Child(child, handle, signals.Length > 0 ? SignalForwarding.Forward(signals, handle) : null);
        lock (_gate)
            _children.Add(entry);
        return new Release(this, entry);
    }

    /// <summary>The supervised children still running.</summary>
    public IReadOnlyList<Process> Running
    {
        get
        {
            lock (_gate)
                return _children.Where(child => !child.Process.HasExited).Select(child => child.Process).ToArray();
        }
    }

    /// <summary>Sends <paramref name="signal"/> to every supervised child still running. Called on the dispatcher thread: no logging here.</summary>
    internal void Forward(Signal signal)
    {
        Child[] children;
        lock (_gate)
            children = [.. _children];
        foreach (var child in children)
        {
            try { SignalSender.Kill(child.Handle, signal); }
            catch (Exception exception) when (exception is InvalidOperationException or ObjectDisposedException) { } // exited
        }
    }

    /// <summary>Waits until every supervised child has exited, logging each exit status; returns early when <paramref name="cancellationToken"/> is cancelled.</summary>
    internal async Task WaitForExitAsync(CancellationToken cancellationToken)
    {
        Child[] children;
        lock (_gate)
            children = [.. _children];
        foreach (var child in children)
        {
            try
            {
                await child.Process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                logger.LogInformation("Child process {Pid} exited with status {Status}.", child.Handle.ProcessId, child.Process.ExitCode);
            }
            catch (OperationCanceledException)
            {
                logger.LogWarning("Child process {Pid} was still running when the host's shutdown timeout passed.", child.Handle.ProcessId);
                return;
            }
        }
    }

    private void Remove(Child child)
    {
        lock (_gate)
            if (!_children.Remove(child))
                return;
        child.Others?.Dispose();
        child.Handle.Dispose();
    }

    /// <summary>Stops supervising every child (they keep running). Idempotent.</summary>
    public void Dispose()
    {
        Child[] children;
        lock (_gate)
            children = [.. _children];
        foreach (var child in children)
            Remove(child);
    }

    private sealed class Release(SignalChildren owner, Child child) : IDisposable
    {
        public void Dispose() => owner.Remove(child);
    }
}
