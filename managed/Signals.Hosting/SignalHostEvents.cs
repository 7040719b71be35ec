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

    internal IEnumerable<EventHandler<ConfigurationReloadedEventArgs>> ReloadHandlers() =>
        ConfigurationReloaded?.GetInvocationList().Cast<EventHandler<ConfigurationReloadedEventArgs>>() ?? [];
}
