using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Signals.Hosting;

namespace Signals.Diagnostics;

/// <summary>Plugs Signals.Diagnostics into Signals.Hosting.</summary>
public static class SignalDiagnosticsServiceCollectionExtensions
{
    /// <summary>
    /// Gives <c>AddSignals()</c> every managed thread's stack: on SIGQUIT (<see cref="SignalHostingOptions.ThreadStacksSignal"/>)
    /// and when a shutdown reaches its deadline (<see cref="SignalHostingOptions.WriteThreadStacksAtShutdownDeadline"/>).
    /// Calls <c>AddSignals()</c> too (adding nothing when it was called already).
    /// </summary>
    /// <param name="services">The host's services.</param>
    public static IServiceCollection AddSignalDiagnostics(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSignals();
        services.TryAddSingleton<IThreadStackSource, ThreadStackSource>();
        return services;
    }
}
