using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Signals.Hosting;

/// <summary>
/// systemd's watchdog (<c>WatchdogSec=</c>, sd_watchdog_enabled(3)): when <c>WATCHDOG_USEC</c> is set and
/// <c>WATCHDOG_PID</c> is ours or absent, sends <c>WATCHDOG=1</c> every half interval while the health checks
/// (all but the drain's readiness check: not ready is not dead) report Healthy or Degraded. When they report Unhealthy
/// it stops sending, so systemd restarts the unit after <c>WatchdogSec=</c>: the point of the watchdog. It stops for
/// good at ApplicationStopping (systemd expects nothing after STOPPING=1 but the exit).
/// A thread of its own, not a thread-pool timer: the health checks are awaited here with a bound of half the interval,
/// so a check that hangs counts as Unhealthy instead of piling up.
/// </summary>
internal sealed class SystemdWatchdog : IDisposable
{
    private readonly SystemdNotifySocket _socket;
    private readonly HealthCheckService? _healthChecks;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private bool _stopped;

    private SystemdWatchdog(SystemdNotifySocket socket, TimeSpan period, HealthCheckService? healthChecks, ILogger logger)
    {
        _socket = socket;
        Period = period;
        _healthChecks = healthChecks;
        _logger = logger;
    }

    /// <summary>How often WATCHDOG=1 is sent: half of WATCHDOG_USEC, as sd_watchdog_enabled(3) recommends.</summary>
    internal TimeSpan Period { get; }

    /// <summary>
    /// Starts the watchdog when the environment asks for it; null (with the reason logged at Debug) when it does not.
    /// </summary>
    internal static SystemdWatchdog? StartFromEnvironment(SystemdNotifySocket socket, HealthCheckService? healthChecks, ILogger logger)
    {
        string? usec = Environment.GetEnvironmentVariable("WATCHDOG_USEC");
        if (!socket.IsEnabled || string.IsNullOrEmpty(usec))
            return null;
        if (!long.TryParse(usec, NumberStyles.None, CultureInfo.InvariantCulture, out long microseconds) || microseconds <= 0)
        {
            logger.LogWarning("Signals: WATCHDOG_USEC is '{Value}', not a positive number of microseconds: no watchdog keep-alives.", usec);
            return null;
        }
        string? pid = Environment.GetEnvironmentVariable("WATCHDOG_PID");
        if (!string.IsNullOrEmpty(pid) && pid != Environment.ProcessId.ToString(CultureInfo.InvariantCulture))
        {
            logger.LogDebug("Signals: WATCHDOG_PID is {WatchdogPid}, not this process ({Pid}): no watchdog keep-alives.", pid, Environment.ProcessId);
            return null;
        }
        var watchdog = new SystemdWatchdog(socket, TimeSpan.FromTicks(microseconds * 10 / 2), healthChecks, logger);
        new Thread(watchdog.Run) { Name = "Signals systemd watchdog", IsBackground = true }.Start();
        logger.LogDebug("Signals: sending WATCHDOG=1 every {Period} while the health checks pass.", watchdog.Period);
        return watchdog;
    }

    private void Run()
    {
        bool? wasHealthy = null;
        do
        {
            bool healthy = IsHealthy(out string why);
            if (healthy != wasHealthy && wasHealthy is not null)
            {
                if (healthy)
                    _logger.LogInformation("Signals: the health checks pass again: WATCHDOG=1 resumes.");
                else
                    _logger.LogWarning("Signals: the health checks fail ({Why}): no WATCHDOG=1 until they pass, so systemd restarts the service when WatchdogSec= passes.", why);
            }
            else if (!healthy && wasHealthy is null)
                _logger.LogWarning("Signals: the health checks fail ({Why}): no WATCHDOG=1 until they pass.", why);
            wasHealthy = healthy;
            if (healthy)
            {
                lock (_gate) // never after Stop: STOPPING=1 comes after it
                    if (!_stopped)
                        _socket.Notify("WATCHDOG=1");
            }
        }
        while (!_stop.Token.WaitHandle.WaitOne(Period));
    }

    private bool IsHealthy(out string why)
    {
        why = "";
        if (_healthChecks is null)
            return true;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(Period);
            var check = _healthChecks.CheckHealthAsync(registration => registration.Name != ShutdownDrain.CheckName, timeout.Token);
            if (!check.Wait(Period))
            {
                why = $"no report within {Period}";
                return false;
            }
            var report = check.Result;
            if (report.Status != HealthStatus.Unhealthy)
                return true;
            why = string.Join(", ", report.Entries.Where(entry => entry.Value.Status == HealthStatus.Unhealthy)
                .Select(entry => $"{entry.Key}: {entry.Value.Description ?? entry.Value.Exception?.Message}"));
            return false;
        }
        catch (Exception exception) when (exception is OperationCanceledException or AggregateException)
        {
            why = exception.GetBaseException().Message;
            return false;
        }
    }

    /// <summary>No WATCHDOG=1 is sent once this returns. Idempotent.</summary>
    internal void Stop()
    {
        lock (_gate)
            _stopped = true;
        _stop.Cancel();
    }

    public void Dispose() => Stop();
}
