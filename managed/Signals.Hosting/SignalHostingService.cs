using System.Diagnostics.Metrics;
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
/// The host's <see cref="IMeterFactory"/> meter is attached to <see cref="SignalsMeter"/> in StartingAsync too, and
/// detached in Dispose after the subscriptions: the container disposes us before the factory (our constructor took
/// it, so it was created first), so no count goes to a disposed meter.
/// </summary>
internal sealed class SignalHostingService(
    IOptions<SignalHostingOptions> options,
    IHostApplicationLifetime lifetime,
    IHostEnvironment environment,
    IConfiguration configuration,
    IOptions<HostOptions> hostOptions,
    IHostLifetime hostLifetime,
    SignalHostEvents events,
    ILogger<SignalHostingService> logger,
    IMeterFactory? meterFactory = null,
    IThreadStackSource? threadStacks = null,
    IProcessDumpWriter? dumpWriter = null) : IHostedLifecycleService, IDisposable
{
    private readonly SignalHostingOptions _options = options.Value;
    private readonly List<SignalSubscription> _subscriptions = [];
    private readonly object _reloadGate = new();
    private int _terminationCount;
    private TimeSpan _deadline;
    private string _deadlineSource = "";
    private readonly SystemdNotifySocket _systemd = SystemdNotifySocket.FromEnvironment(logger);
    private bool _disposed;
    private IDisposable? _meterAttachment;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        (_deadline, _deadlineSource) = ShutdownDeadlineResolver.Resolve(_options, configuration, hostOptions.Value);
        if (!SignalEvents.IsSupported)
        {
            // A service opened on a developer's Windows or macOS machine (or any platform without libsignals)
            // still starts: ConsoleLifetime keeps SIGINT/SIGTERM (Ctrl-C) stopping it, as without AddSignals.
            LogUnsupported();
            return Task.CompletedTask;
        }
        if (meterFactory is not null)
            lock (_subscriptions)
                _meterAttachment ??= SignalsMeter.UseMeterFactory(meterFactory);
        // UseSystemd()'s SystemdLifetime already says READY=1 at start and STOPPING=1 on ApplicationStopping;
        // without it (a Type=notify-reload service that registers no lifetime of its own) we say STOPPING=1.
        if (_systemd.IsEnabled && hostLifetime.GetType().FullName != "Microsoft.Extensions.Hosting.Systemd.SystemdLifetime")
            lifetime.ApplicationStopping.Register(() => _systemd.Notify("STOPPING=1"));
        if (_options.ReloadOnHangup)
            Subscribe([Signal.SIGHUP], "reload", _options.Reload, OnHangup, CallbackTarget.ThreadPool);
        if (_options.HandleTermination)
            Subscribe([Signal.SIGTERM, .. WithoutInheritedIgnore(Signal.SIGINT)], "stop", _options.Stop, OnTermination, CallbackTarget.Dispatcher);
        if (_options.LogDiagnosticsOnUser1)
            Subscribe([Signal.SIGUSR1], "diagnostics", _options.Diagnostics, OnDiagnostics, CallbackTarget.ThreadPool);
        logger.LogDebug("Signals: handling {Signals}; shutdown deadline {Deadline} ({DeadlineSource}).",
            string.Join(", ", _subscriptions.SelectMany(s => s.Signals)), DeadlineText, _deadlineSource);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Removes the handlers. A callback already handed to the thread pool may still start afterwards: every
    /// callback checks <see cref="_disposed"/> first, and a reload in progress is waited for (under the reload
    /// gate), so no reload and no ConfigurationReloaded handler runs once Dispose has returned.
    /// </summary>
    public void Dispose()
    {
        lock (_reloadGate)
            Volatile.Write(ref _disposed, true);
        lock (_subscriptions)
        {
            foreach (var subscription in _subscriptions)
                subscription.Dispose();
            _subscriptions.Clear();
            _meterAttachment?.Dispose(); // the static meter counts again
            _meterAttachment = null;
        }
    }

    /// <summary>
    /// The shell convention (Python, the .NET runtime itself): a signal whose SIG_IGN was inherited stays ignored,
    /// because the parent meant it. A service started as a background job (<c>sh -c 'svc &amp;'</c>, or by nohup) has
    /// SIGINT and SIGQUIT ignored so that Ctrl-C in that terminal does not reach it. Automatic installs skip them.
    /// </summary>
    private Signal[] WithoutInheritedIgnore(Signal signal)
    {
        if (SignalHandlers.Get(signal).Kind != SignalDispositionKind.Ignored)
            return [signal];
        logger.LogInformation("Signals: {Signal} is ignored (inherited from the parent process, e.g. a background job): leaving it ignored.", signal);
        return [];
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

    private string DeadlineText => _deadline == Timeout.InfiniteTimeSpan ? "none" : _deadline.ToString();

    /// <summary>
    /// Subscribes <paramref name="callback"/> behind the action's sender policy. A rejected delivery is logged on
    /// the thread pool: the termination callback runs on the dispatcher thread, which must never wait on a logger.
    /// </summary>
    private void Subscribe(Signal[] signals, string action, SignalSenderPolicy policy, Action<SignalEvent> callback, CallbackTarget target)
    {
        void Guarded(SignalEvent signalEvent)
        {
            if (policy.Accepts(signalEvent))
            {
                callback(signalEvent);
                return;
            }
            ThreadPool.UnsafeQueueUserWorkItem(_ => logger.LogWarning(
                "Rejected {Signal} from pid {SenderPid} uid {SenderUid} (verified {SenderVerified}): the {Action} sender policy does not allow this sender.",
                signalEvent.Signal, signalEvent.SenderPid, signalEvent.SenderUid, signalEvent.IsSenderVerified, action), null);
        }
        var subscription = SignalEvents.Subscribe(signals, Guarded,
            new SubscriptionOptions { Policy = SignalPolicy.Handle, Target = target });
        lock (_subscriptions)
            _subscriptions.Add(subscription);
    }

    // Runs on the dispatcher thread: it only arms the watchdog and hands StopApplication to the thread pool,
    // because ApplicationStopping callbacks run synchronously inside StopApplication and may block. Nothing here
    // waits on the logger or the console (either can block for good on a full pipe): the watchdog is armed first,
    // and the log line goes to the thread pool too, so the dispatcher stays free for a second signal.
    private void OnTermination(SignalEvent signalEvent)
    {
        if (Volatile.Read(ref _disposed))
            return;
        var signal = signalEvent.Signal;
        // Only the dispatcher thread runs this, one delivery at a time: the count cannot change under us.
        bool again = Interlocked.Increment(ref _terminationCount) > 1;
        if (again && _options.SecondSignal == SecondSignalBehavior.KeepWaiting)
        {
            ThreadPool.UnsafeQueueUserWorkItem(_ => logger.LogWarning(
                "Received {Signal} from pid {SenderPid} uid {SenderUid} (verified {SenderVerified}) again during shutdown: keeping to the deadline ({Deadline}).",
                signal, signalEvent.SenderPid, signalEvent.SenderUid, signalEvent.IsSenderVerified, DeadlineText), null);
            return;
        }
        if (again)
        {
            LastWords.Say(() =>
            {
                logger.LogWarning("Received {Signal} from pid {SenderPid} uid {SenderUid} (verified {SenderVerified}) again during shutdown: ending the process by {Signal} now.",
                    signal, signalEvent.SenderPid, signalEvent.SenderUid, signalEvent.IsSenderVerified, signal);
                Console.Error.WriteLine($"Signals.Hosting: {signal} received twice; ending the process by it now.");
            });
            SignalTermination.ExitBySignal(signal);
            return;
        }
        if (_deadline != Timeout.InfiniteTimeSpan)
            ShutdownWatchdog.Arm(signal, _deadline, logger,
                _options.WriteThreadStacksAtShutdownDeadline ? threadStacks : null, () => Volatile.Read(ref _disposed));
        ThreadPool.UnsafeQueueUserWorkItem(_ => logger.LogInformation(
            "Received {Signal} from pid {SenderPid} uid {SenderUid} (verified {SenderVerified}): stopping the application (deadline {Deadline}, from {DeadlineSource}).",
            signal, signalEvent.SenderPid, signalEvent.SenderUid, signalEvent.IsSenderVerified, DeadlineText, _deadlineSource), null);
        if (signal == Signal.SIGTERM && DumpOnSigTerm.Requested())
            ThreadPool.UnsafeQueueUserWorkItem(_ => DumpOnSigTerm.ThenStop(dumpWriter, lifetime.StopApplication, logger), null);
        else
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.StopApplication(), lifetime, preferLocal: false);
    }

    internal void OnHangup(SignalEvent signalEvent)
    {
        if (Volatile.Read(ref _disposed))
            return;
        if (configuration is not IConfigurationRoot root)
        {
            logger.LogWarning("Received {Signal} from pid {SenderPid} uid {SenderUid} (verified {SenderVerified}), but the host's IConfiguration ({Type}) cannot reload.",
                signalEvent.Signal, signalEvent.SenderPid, signalEvent.SenderUid, signalEvent.IsSenderVerified, configuration.GetType().Name);
            // Still answer systemd's reload, which would otherwise wait for READY=1 until it times out.
            _systemd.Notify($"RELOADING=1\nMONOTONIC_USEC={SystemdNotifySocket.MonotonicMicroseconds()}");
            _systemd.Notify("READY=1");
            return;
        }
        // One reload at a time: two quick SIGHUPs run on two pool threads. A callback the pool starts after
        // Dispose does nothing (see Dispose).
        lock (_reloadGate)
        {
            if (Volatile.Read(ref _disposed))
                return;
            // systemd's notify-reload protocol (systemd >= 253): RELOADING=1 with the time the reload began, then
            // READY=1 when it is over, failed or not (systemd waits for READY=1). The first READY=1, at start, is
            // UseSystemd()'s: we never send one outside a reload.
            _systemd.Notify($"RELOADING=1\nMONOTONIC_USEC={SystemdNotifySocket.MonotonicMicroseconds()}");
            try
            {
                root.Reload();
            }
            catch (Exception exception)
            {
                _systemd.Notify("READY=1");
                logger.LogError(exception, "Received {Signal} from pid {SenderPid} uid {SenderUid} (verified {SenderVerified}): reloading the configuration failed; the previous values stay.",
                    signalEvent.Signal, signalEvent.SenderPid, signalEvent.SenderUid, signalEvent.IsSenderVerified);
                return;
            }
            logger.LogInformation("Received {Signal} from pid {SenderPid} uid {SenderUid} (verified {SenderVerified}): configuration reloaded.",
                signalEvent.Signal, signalEvent.SenderPid, signalEvent.SenderUid, signalEvent.IsSenderVerified);
            var args = new ConfigurationReloadedEventArgs(signalEvent, root);
            foreach (var handler in events.ReloadHandlers())
            {
                try { handler(events, args); }
                catch (Exception exception) { logger.LogError(exception, "A ConfigurationReloaded handler threw."); }
            }
            // After the handlers: they are part of the reload (a service that re-reads its settings there).
            _systemd.Notify("READY=1");
        }
    }

    internal void OnDiagnostics(SignalEvent signalEvent)
    {
        if (Volatile.Read(ref _disposed))
            return;
        // Caught here so that a failure goes to the logger, not to the library's stderr report.
        try { DiagnosticsSnapshot.Capture(lifetime, environment, Volatile.Read(ref _terminationCount) > 0).Log(logger, signalEvent); }
        catch (Exception exception) { logger.LogError(exception, "Capturing the diagnostics snapshot for {Signal} failed.", signalEvent.Signal); }
    }
}
