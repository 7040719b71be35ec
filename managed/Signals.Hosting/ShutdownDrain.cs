using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Signals.Hosting;

/// <summary>
/// The drain before a stop (<see cref="SignalHostingOptions.ShutdownDelay"/>): from the termination signal on, the
/// readiness check (tag <c>ready</c>, registered by <c>AddSignals()</c>) reports Unhealthy, so a load balancer or
/// Kubernetes' readiness probe takes the instance out of rotation, while the application keeps serving for the delay;
/// then StopApplication. A second signal cuts the delay short. Kubernetes removes a pod from its Service endpoints
/// only some time after it sent SIGTERM (dotnet/aspnetcore #30387, kubernetes #64510): stopping at once drops the
/// requests still routed to it.
/// </summary>
internal sealed class ShutdownDrain : IHealthCheck
{
    /// <summary>The name the check is registered under.</summary>
    internal const string CheckName = "signals-ready";

    /// <summary>The tag of the check: map it with <c>MapHealthChecks("/ready", new() { Predicate = c => c.Tags.Contains("ready") })</c>.</summary>
    internal const string ReadyTag = "ready";

    private readonly object _gate = new();
    private Timer? _timer;
    private Action? _stop;
    private volatile bool _begun;
    private Signal _signal;
    private long _began;
    private TimeSpan _delay;

    /// <summary>Whether a drain began (the check reports Unhealthy from then on).</summary>
    internal bool HasBegun => _begun;

    /// <summary>
    /// Begins the drain: not ready from now, <paramref name="stop"/> (StopApplication) after <paramref name="delay"/>
    /// on a thread-pool thread. Called once, by the first termination signal.
    /// </summary>
    internal void Begin(Signal signal, TimeSpan delay, Action stop)
    {
        lock (_gate)
        {
            _began = Stopwatch.GetTimestamp();
            _delay = delay;
            _stop = stop;
            _signal = signal;
            _begun = true;
            _timer = new Timer(static state => ((ShutdownDrain)state!).End(), this, delay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Ends a drain in progress now (a second signal). False when there is none (never begun, or already over).</summary>
    internal bool SkipRest() => End();

    private bool End()
    {
        Action? stop;
        lock (_gate)
        {
            stop = _stop;
            _stop = null;
            _timer?.Dispose();
        }
        if (stop is null)
            return false;
        ThreadPool.UnsafeQueueUserWorkItem(static stop => stop(), stop, preferLocal: false);
        return true;
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!_begun)
            return Task.FromResult(HealthCheckResult.Healthy("serving"));
        Signal signal;
        TimeSpan since;
        TimeSpan delay;
        lock (_gate)
        {
            signal = _signal;
            since = Stopwatch.GetElapsedTime(_began);
            delay = _delay;
        }
        return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus,
            $"draining since {signal} {since.TotalSeconds:0.0} s ago (shutdown delay {delay}): not taking new work"));
    }
}
