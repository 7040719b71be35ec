namespace Signals.Hosting;

/// <summary>What <see cref="SignalHostingServiceCollectionExtensions.AddSignals"/> does with each signal.</summary>
public sealed class SignalHostingOptions
{
    /// <summary>
    /// SIGHUP reloads configuration (<c>IConfigurationRoot.Reload()</c>) and raises
    /// <see cref="SignalHostEvents.ConfigurationReloaded"/>. Default: true.
    /// </summary>
    public bool ReloadOnHangup { get; set; } = true;

    /// <summary>
    /// SIGTERM and SIGINT are ours: they call <c>IHostApplicationLifetime.StopApplication</c> and arm the
    /// <see cref="ShutdownDeadline"/>; the runtime's handler (which <c>ConsoleLifetime</c> listens to) no longer
    /// runs for them. False leaves both signals to <c>ConsoleLifetime</c>, without a deadline. Default: true.
    /// </summary>
    public bool HandleTermination { get; set; } = true;

    /// <summary>
    /// How long the process may take to end after SIGTERM/SIGINT. When it passes, the process ends by that
    /// signal's default action (exit status 128+N: 143 for SIGTERM, 130 for SIGINT), whatever is still
    /// running. <see cref="Timeout.InfiniteTimeSpan"/> disables it. Default: 30 seconds.
    /// </summary>
    public TimeSpan ShutdownDeadline { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>SIGUSR1 logs a diagnostics snapshot (process, GC, threads, host state) as Information. Default: true.</summary>
    public bool LogDiagnosticsOnUser1 { get; set; } = true;

    internal void Validate()
    {
        if (ShutdownDeadline <= TimeSpan.Zero && ShutdownDeadline != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(ShutdownDeadline), ShutdownDeadline,
                "The shutdown deadline must be positive or Timeout.InfiniteTimeSpan.");
    }
}
