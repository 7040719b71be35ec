namespace Signals.Hosting;

/// <summary>
/// Events of the host's signal handling; a singleton that <see cref="SignalHostingServiceCollectionExtensions.AddSignals"/>
/// registers. Inject it and subscribe. Handlers run on a thread-pool thread, one reload at a time; an exception
/// from a handler is logged and does not stop the others.
/// </summary>
public sealed class SignalHostEvents
{
    /// <summary>Raised after SIGHUP made the configuration reload (the new values are visible).</summary>
    public event EventHandler<ConfigurationReloadedEventArgs>? ConfigurationReloaded;

    /// <summary>
    /// Raised when SIGTERM (or SIGINT, when configured) begins the drain of <see cref="SignalHostingOptions.ShutdownDelay"/>:
    /// the readiness check reports Unhealthy from now on, and StopApplication follows after the delay. Stop taking new
    /// long-lived work here (leave queues, close keep-alive connections); requests keep being served.
    /// </summary>
    public event EventHandler<ShutdownDrainingEventArgs>? ShutdownDraining;

    internal IEnumerable<EventHandler<ShutdownDrainingEventArgs>> DrainingHandlers() =>
        ShutdownDraining?.GetInvocationList().Cast<EventHandler<ShutdownDrainingEventArgs>>() ?? [];

    internal IEnumerable<EventHandler<ConfigurationReloadedEventArgs>> ReloadHandlers() =>
        ConfigurationReloaded?.GetInvocationList().Cast<EventHandler<ConfigurationReloadedEventArgs>>() ?? [];
}
