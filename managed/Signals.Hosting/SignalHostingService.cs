using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Signals.Hosting;

/// <summary>
/// Subscribes to the host's signals in <see cref="StartingAsync"/> and unsubscribes in <see cref="Dispose"/>.
/// Why StartingAsync: the Host calls <c>IHostLifetime.WaitForStartAsync</c> first, which is where
/// ConsoleLifetime creates its PosixSignalRegistrations for SIGINT/SIGQUIT/SIGTERM. Subscribing after it
/// with <see cref="SignalPolicy.Handle"/> replaces the runtime's native handler for SIGTERM and SIGINT
/// (saving it), so for those two signals only ours runs and ConsoleLifetime's StopApplication never fires
/// twice. Why Dispose and not StopAsync: a second SIGTERM/SIGINT during a slow shutdown must still reach us.
/// The container disposes us before ConsoleLifetime (it was created first), so we restore the runtime's
/// handler before the runtime restores the original one.
/// </summary>
internal sealed class SignalHostingService(
    IOptions<SignalHostingOptions> options,
    IHostApplicationLifetime lifetime,
    IHostEnvironment environment,
    IConfiguration configuration,
    SignalHostEvents events,
    ILogger<SignalHostingService> logger) : IHostedLifecycleService, IDisposable
{
    private readonly SignalHostingOptions _options = options.Value;
    private readonly List<SignalSubscription> _subscriptions = [];
    private readonly object _reloadGate = new();
    private int _terminationCount;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        _options.Validate();
        if (!SignalEvents.IsSupported)
        {
            // A service opened on a developer's Windows or macOS machine (or any platform without libsignals)
            // still starts: ConsoleLifetime keeps SIGINT/SIGTERM (Ctrl-C) stopping it, as without AddSignals.
            LogUnsupported();
            return Task.CompletedTask;
        }
        if (_options.ReloadOnHangup)
            Subscribe(Signal.SIGHUP, OnHangup, CallbackTarget.ThreadPool);
        if (_options.HandleTermination)
            Subscribe([Signal.SIGTERM, Signal.SIGINT], OnTermination, CallbackTarget.Dispatcher);
        if (_options.LogDiagnosticsOnUser1)
            Subscribe(Signal.SIGUSR1, OnDiagnostics, CallbackTarget.ThreadPool);
        logger.LogDebug("Signals: handling {Signals}.", string.Join(", ", _subscriptions.SelectMany(s => s.Signals)));
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        lock (_subscriptions)
        {
            foreach (var subscription in _subscriptions)
                subscription.Dispose();
            _subscriptions.Clear();
        }
    }

    private void LogUnsupported()
    {
        string reason;
        try
        {
            _ = Signal.SIGHUP.Name; // the first use throws the library's own explanation
            reason = "Signals is not supported here.";
        }
        catch (PlatformNotSupportedException e)
        {
            reason = e.Message;
        }
        logger.LogWarning("Signals: not available, so the host keeps the runtime's signal handling (SIGINT and SIGTERM " +
            "stop it; no configuration reload on SIGHUP, no diagnostics on SIGUSR1). {Reason}", reason);
    }

    private void Subscribe(Signal signal, Action<SignalEvent> callback, CallbackTarget target) =>
        Subscribe([signal], callback, target);

    private void Subscribe(Signal[] signals, Action<SignalEvent> callback, CallbackTarget target)
    {
        var subscription = SignalEvents.Subscribe(signals, callback,
            new SubscriptionOptions { Policy = SignalPolicy.Handle, Target = target });
        lock (_subscriptions)
            _subscriptions.Add(subscription);
    }

    // Runs on the dispatcher thread: it only arms the watchdog and hands StopApplication to the thread pool,
    // because ApplicationStopping callbacks run synchronously inside StopApplication and may block.
    private void OnTermination(SignalEvent signalEvent)
    {
        if (Interlocked.Increment(ref _terminationCount) > 1)
        {
            logger.LogWarning("Received {Signal} again during shutdown: ending the process by {Signal} now.", signalEvent.Signal, signalEvent.Signal);
            Console.Error.WriteLine($"Signals.Hosting: {signalEvent.Signal} received twice; ending the process by it now.");
            SignalTermination.ExitBySignal(signalEvent.Signal);
            return;
        }
        logger.LogInformation("Received {Signal} from pid {SenderPid}: stopping the application (deadline {Deadline}).",
            signalEvent.Signal, signalEvent.SenderPid, _options.ShutdownDeadline == Timeout.InfiniteTimeSpan ? "none" : _options.ShutdownDeadline);
        if (_options.ShutdownDeadline != Timeout.InfiniteTimeSpan)
            ShutdownWatchdog.Arm(signalEvent.Signal, _options.ShutdownDeadline, logger);
        ThreadPool.UnsafeQueueUserWorkItem(static state => state.StopApplication(), lifetime, preferLocal: false);
    }

    private void OnHangup(SignalEvent signalEvent)
    {
        if (configuration is not IConfigurationRoot root)
        {
            logger.LogWarning("Received {Signal}, but the host's IConfiguration ({Type}) cannot reload.", signalEvent.Signal, configuration.GetType().Name);
            return;
        }
        // One reload at a time: two quick SIGHUPs run on two pool threads.
        lock (_reloadGate)
        {
            try
            {
                root.Reload();
            }
            catch (Exception exception)
            {
                logger.LogError(exception, "Received {Signal} from pid {SenderPid}: reloading the configuration failed; the previous values stay.",
                    signalEvent.Signal, signalEvent.SenderPid);
                return;
            }
            logger.LogInformation("Received {Signal} from pid {SenderPid}: configuration reloaded.", signalEvent.Signal, signalEvent.SenderPid);
            var args = new ConfigurationReloadedEventArgs(signalEvent, root);
            foreach (var handler in events.ReloadHandlers())
            {
                try { handler(events, args); }
                catch (Exception exception) { logger.LogError(exception, "A ConfigurationReloaded handler threw."); }
            }
        }
    }

    private void OnDiagnostics(SignalEvent signalEvent) =>
        DiagnosticsSnapshot.Capture(lifetime, environment, Volatile.Read(ref _terminationCount) > 0).Log(logger, signalEvent);
}
