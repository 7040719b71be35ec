using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Signals.Hosting;

/// <summary>Registers the Generic Host integration of Signals.</summary>
public static class SignalHostingServiceCollectionExtensions
{
    /// <summary>
    /// Handles SIGHUP (reload configuration), SIGTERM/SIGINT (stop the application, with a deadline), SIGUSR1 (log a
    /// diagnostics snapshot) and SIGQUIT (log every thread's stack, with an <see cref="IThreadStackSource"/> such as
    /// Signals.Diagnostics' <c>AddSignalDiagnostics()</c>) for the lifetime of the host. The handlers are installed when the
    /// host starts (before any hosted service's StartAsync) and removed when the host is disposed.
    /// Calling it again only adds <paramref name="configure"/>. While the host runs, the "Signals" meter
    /// (<see cref="SignalsMeter"/>) is the one the host's <see cref="System.Diagnostics.Metrics.IMeterFactory"/>
    /// creates (registered here with <c>AddMetrics()</c> if the host has none), instead of the static one.
    /// It also registers the health check <c>signals-ready</c> (tag <c>ready</c>): Healthy until SIGTERM begins the
    /// shutdown (see <see cref="SignalHostingOptions.ShutdownDelay"/>), Unhealthy from then on.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Changes to the defaults of <see cref="SignalHostingOptions"/>.</param>
    public static IServiceCollection AddSignals(this IServiceCollection services, Action<SignalHostingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SignalHostingOptions>();
        if (configure is not null)
            services.Configure(configure);
        services.AddMetrics(); // IMeterFactory; a no-op when the host already registered it
        services.TryAddSingleton<SignalHostEvents>();
        services.TryAddSingleton<SignalChildren>();
        if (!services.Any(service => service.ServiceType == typeof(ShutdownDrain)))
        {
            // The readiness check of the drain (SignalHostingOptions.ShutdownDelay): Healthy until a termination signal.
            services.AddSingleton<ShutdownDrain>();
            services.AddHealthChecks().Add(new HealthCheckRegistration(ShutdownDrain.CheckName,
                provider => provider.GetRequiredService<ShutdownDrain>(), failureStatus: null, tags: [ShutdownDrain.ReadyTag]));
        }
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SignalHostingService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ThreadStackService>());
        return services;
    }
}
