using Microsoft.Extensions.Configuration;

namespace Signals.Hosting;

/// <summary>The SIGHUP that made the configuration reload, and the reloaded configuration.</summary>
public sealed class ConfigurationReloadedEventArgs(SignalEvent signal, IConfigurationRoot configuration) : EventArgs
{
    /// <summary>The delivery of SIGHUP (who sent it, when).</summary>
    public SignalEvent Signal { get; } = signal;

    /// <summary>The configuration, already reloaded.</summary>
    public IConfigurationRoot Configuration { get; } = configuration;
}
