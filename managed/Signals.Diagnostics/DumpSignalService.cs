using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Signals.Diagnostics;

/// <summary>
/// The opt-in dump signal (<see cref="SignalDiagnosticsOptions.DumpSignal"/>) for the lifetime of the host: subscribed
/// in StartingAsync (as Signals.Hosting's own signals are), removed in Dispose.
/// </summary>
internal sealed class DumpSignalService(IOptions<SignalDiagnosticsOptions> options, ILogger<DumpSignalService> logger) : IHostedLifecycleService, IDisposable
{
    private DiagnosticsSubscription? _subscription;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.DumpSignal is not { } signal || !SignalEvents.IsSupported)
            return Task.CompletedTask;
        _subscription = SignalDiagnostics.SubscribeDumps(signal, settings.Dump, logger,
            new SubscriptionOptions { AllowedSenderUids = settings.DumpAllowedUids });
        logger.LogDebug("Signals.Diagnostics: {Signal} writes a {DumpType} dump into {Directory} (keeping {MaxFiles}).",
            signal, settings.Dump.Type, settings.Dump.Directory, settings.Dump.MaxFiles);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => Interlocked.Exchange(ref _subscription, null)?.Dispose();
}
