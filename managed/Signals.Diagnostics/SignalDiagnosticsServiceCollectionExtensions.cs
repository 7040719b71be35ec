using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Signals.Hosting;

namespace Signals.Diagnostics;

/// <summary>Plugs Signals.Diagnostics into Signals.Hosting.</summary>
public static class SignalDiagnosticsServiceCollectionExtensions
{
    /// <summary>
    /// Gives <c>AddSignals()</c> every managed thread's stack: on SIGQUIT (<see cref="SignalHostingOptions.ThreadStacksSignal"/>)
    /// and when a shutdown reaches its deadline (<see cref="SignalHostingOptions.WriteThreadStacksAtShutdownDeadline"/>);
    /// writes the dump that <c>DOTNET_EnableDumpOnSigTerm=1</c> asks for; and, when <paramref name="configure"/> sets
    /// <see cref="SignalDiagnosticsOptions.DumpSignal"/>, a dump on that signal. Calls <c>AddSignals()</c> too (adding
    /// nothing when it was called already). Calling it again only adds <paramref name="configure"/>.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Changes to the defaults of <see cref="SignalDiagnosticsOptions"/>.</param>
    public static IServiceCollection AddSignalDiagnostics(this IServiceCollection services, Action<SignalDiagnosticsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSignals();
        services.AddOptions<SignalDiagnosticsOptions>();
        if (configure is not null)
            services.Configure(configure);
        services.TryAddSingleton<IThreadStackSource, ThreadStackSource>();
        services.TryAddSingleton<IProcessDumpWriter, ProcessDumpWriter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DumpSignalService>());
        return services;
    }
}
