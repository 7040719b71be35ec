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
    ShutdownDrain? drain = null,
    Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckService? healthChecks = null,
    SignalChildren? children = null,
    IThreadStackSource? threadStacks = null,
    IProcessDumpWriter? dumpWriter = null) : IHostedLifecycleService, IDisposable
{
    private SystemdWatchdog? _watchdog;
    private readonly ShutdownDrain _drain = drain ?? new ShutdownDrain();
    private readonly SignalHostingOptions _options = options.Value;
    private readonly List<SignalSubscription> _subscriptions = [];
    private readonly object _reloadGate = new();
    private bool _readyOwedAtStart; // guarded by _reloadGate
    private int _terminationCount;
    private TimeSpan _deadline;
    private string _deadlineSource = "";
    private readonly SystemdNotifySocket _systemd = SystemdNotifySocket.FromEnvironment(logger);
    private bool _disposed;
    private IDisposable? _meterAttachment;
    private readonly List<ActionRateLimiter> _limiters = [];

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        (_deadline, _deadlineSource) = ShutdownDeadlineResolver.Resolve(_options, configuration, hostOptions.Value);
        ValidateShutdownDelay();
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
        bool systemdLifetime = hostLifetime.GetType().FullName == "Microsoft.Extensions.Hosting.Systemd.SystemdLifetime";
        if (_systemd.IsEnabled && !systemdLifetime)
        {
            lifetime.ApplicationStopping.Register(() => _systemd.Notify("STOPPING=1"));
            lifetime.ApplicationStarted.Register(SendReadyOwedByReloadDuringStart);
        }
        // After the STOPPING=1 registrations (ours above, SystemdLifetime's in WaitForStartAsync): callbacks run in
        // reverse order, so the keep-alives stop before STOPPING=1 is sent.
        if (_options.SystemdWatchdog && SystemdWatchdog.StartFromEnvironment(_systemd, healthChecks, logger) is { } watchdog)
        {
            _watchdog = watchdog;
            lifetime.ApplicationStopping.Register(watchdog.Stop);
        }
        SignalHostingOptions.ValidateInterval(_options.ReloadMinimumInterval, nameof(SignalHostingOptions.ReloadMinimumInterval));
        SignalHostingOptions.ValidateInterval(_options.DiagnosticsMinimumInterval, nameof(SignalHostingOptions.DiagnosticsMinimumInterval));
        if (_options.ReloadOnHangup)
            Subscribe([Signal.SIGHUP], "reload", _options.Reload, Limit("reload", _options.ReloadMinimumInterval, true, OnHangup), CallbackTarget.ThreadPool);
        if (_options.HandleTermination)
            Subscribe([Signal.SIGTERM, .. WithoutInheritedIgnore(Signal.SIGINT)], "stop", _options.Stop, OnTermination, CallbackTarget.Dispatcher);
        if (_options.LogDiagnosticsOnUser1)
            Subscribe([Signal.SIGUSR1], "diagnostics", _options.Diagnostics, Limit("diagnostics", _options.DiagnosticsMinimumInterval, false, OnDiagnostics), CallbackTarget.ThreadPool);
        logger.LogDebug("Signals: handling {Signals}; shutdown deadline {Deadline} ({DeadlineSource}).",
            string.Join(", ", _subscriptions.SelectMany(s => s.Signals)), DeadlineText, _deadlineSource);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    /// <summary>
    /// Before any hosted service's StopAsync: waits for the children of <see cref="SignalChildren"/> (they got the
    /// termination signal when it came), so that a supervisor's own stop begins once its workers are gone.
    /// </summary>
    public Task StoppingAsync(CancellationToken cancellationToken) =>
        children is null ? Task.CompletedTask : children.WaitForExitAsync(cancellationToken);
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
            foreach (var limiter in _limiters)
                limiter.Dispose();
            _limiters.Clear();
            _watchdog?.Dispose();
            _meterAttachment?.Dispose(); // the static meter counts again
            _meterAttachment = null;
        }
    }

    /// <summary>The delay is part of the deadline (both count from the signal): refused at start when it leaves no time to stop.</summary>
    private void ValidateShutdownDelay()
    {
        var delay = _options.ShutdownDelay;
        if (delay < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(SignalHostingOptions.ShutdownDelay), delay, "The shutdown delay must be zero or positive.");
        if (delay > TimeSpan.Zero && _deadline != Timeout.InfiniteTimeSpan && delay >= _deadline)
            throw new ArgumentOutOfRangeException(nameof(SignalHostingOptions.ShutdownDelay), delay,
                $"The shutdown delay ({delay}) must be shorter than the shutdown deadline ({_deadline}, from {_deadlineSource}): " +
                "the deadline counts from the signal and includes the delay, so the process would end by the signal before it stopped.");
    }

    /// <summary>How long <paramref name="signal"/> drains before the stop: SIGINT only when configured.</summary>
    private TimeSpan DelayFor(Signal signal) =>
        signal == Signal.SIGTERM || _options.DelayShutdownOnInterrupt ? _options.ShutdownDelay : TimeSpan.Zero;

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

    /// <summary>The action behind a rate limit (<see cref="ActionRateLimiter"/>), disposed with the subscriptions.</summary>
    private Action<SignalEvent> Limit(string action, TimeSpan minimumInterval, bool runSuppressedOnce, Action<SignalEvent> run)
    {
        var limiter = new ActionRateLimiter(action, minimumInterval, runSuppressedOnce, run, logger);
        lock (_subscriptions)
            _limiters.Add(limiter);
        return limiter.Request;
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
        // A supervisor's workers get every termination signal at once, as from tini -g (a pidfd send: no waiting).
        children?.Forward(signal);
        // Only the dispatcher thread runs this, one delivery at a time: the count cannot change under us.
        bool again = Interlocked.Increment(ref _terminationCount) > 1;
        if (again && _drain.SkipRest())
        {
            ThreadPool.UnsafeQueueUserWorkItem(_ => logger.LogWarning(
                "Received {Signal} from pid {SenderPid} uid {SenderUid} (verified {SenderVerified}) during the shutdown delay: stopping the application now.",
                signal, signalEvent.SenderPid, signalEvent.SenderUid, signalEvent.IsSenderVerified), null);
            return;
        }
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
        var delay = DelayFor(signal);
        if (delay > TimeSpan.Zero)
        {
            // Not ready from now on; StopApplication after the delay (ShutdownDrain). The event and the log line go to
            // the thread pool: the dispatcher stays free for a second signal.
            _drain.Begin(signal, delay, lifetime.StopApplication);
            ThreadPool.UnsafeQueueUserWorkItem(_ => RaiseDraining(signalEvent, delay), null);
            return;
        }
        ThreadPool.UnsafeQueueUserWorkItem(_ => logger.LogInformation(
            "Received {Signal} from pid {SenderPid} uid {SenderUid} (verified {SenderVerified}): stopping the application (deadline {Deadline}, from {DeadlineSource}).",
            signal, signalEvent.SenderPid, signalEvent.SenderUid, signalEvent.IsSenderVerified, DeadlineText, _deadlineSource), null);
        if (signal == Signal.SIGTERM && DumpOnSigTerm.Requested())
            ThreadPool.UnsafeQueueUserWorkItem(_ => DumpOnSigTerm.ThenStop(dumpWriter, lifetime.StopApplication, logger), null);
        else
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.StopApplication(), lifetime, preferLocal: false);
    }

    /// <summary>
    /// Whether a reload may speak systemd's reload protocol now: only between the start and the stop. READY=1 before
    /// ApplicationStarted tells systemd the unit has started (too early: a SIGHUP during a slow start did that), and
    /// after STOPPING=1 systemd expects nothing but the exit. Called under the reload gate.
    /// </summary>
    private bool MayNotifyReload()
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
            return false;
        if (lifetime.ApplicationStarted.IsCancellationRequested)
            return true;
        _readyOwedAtStart = true; // the reload's READY=1 waits for the start (SendReadyOwedByReloadDuringStart)
        return false;
    }

    /// <summary>
    /// At ApplicationStarted, without UseSystemd()'s lifetime (which says READY=1 then itself): the READY=1 of a reload
    /// done during the start. Takes the reload gate, so a reload in progress finishes first.
    /// </summary>
    private void SendReadyOwedByReloadDuringStart()
    {
        lock (_reloadGate)
        {
            if (_readyOwedAtStart && !lifetime.ApplicationStopping.IsCancellationRequested)
                _systemd.Notify("READY=1");
            _readyOwedAtStart = false;
        }
    }

    private void RaiseDraining(SignalEvent signalEvent, TimeSpan delay)
    {
        logger.LogInformation("Received {Signal} from pid {SenderPid} uid {SenderUid} (verified {SenderVerified}): not ready; stopping the application in {Delay} (deadline {Deadline}, from {DeadlineSource}).",
            signalEvent.Signal, signalEvent.SenderPid, signalEvent.SenderUid, signalEvent.IsSenderVerified, delay, DeadlineText, _deadlineSource);
        var args = new ShutdownDrainingEventArgs(signalEvent, delay);
        foreach (var handler in events.DrainingHandlers())
        {
            try { handler(events, args); }
            catch (Exception exception) { logger.LogError(exception, "A ShutdownDraining handler threw."); }
        }
    }

    internal void OnHangup(SignalEvent signalEvent)
    {
        if (Volatile.Read(ref _disposed))
            return;
        // One reload at a time: two quick SIGHUPs run on two pool threads. A callback the pool starts after
        // Dispose does nothing (see Dispose).
        lock (_reloadGate)
        {
            if (Volatile.Read(ref _disposed))
                return;
            bool notify = MayNotifyReload();
            if (configuration is not IConfigurationRoot root)
            {
                logger.LogWarning("Received {Signal} from pid {SenderPid} uid {SenderUid} (verified {SenderVerified}), but the host's IConfiguration ({Type}) cannot reload.",
                    signalEvent.Signal, signalEvent.SenderPid, signalEvent.SenderUid, signalEvent.IsSenderVerified, configuration.GetType().Name);
                // Still answer systemd's reload, which would otherwise wait for READY=1 until it times out.
                if (notify)
                {
                    _systemd.Notify($"RELOADING=1\nMONOTONIC_USEC={SystemdNotifySocket.MonotonicMicroseconds()}");
                    _systemd.Notify("READY=1");
                }
                return;
            }
            // systemd's notify-reload protocol (systemd >= 253): RELOADING=1 with the time the reload began, then
            // READY=1 when it is over, failed or not (systemd waits for READY=1). The first READY=1, at start, is
            // UseSystemd()'s: we never send one outside a reload.
            if (notify)
                _systemd.Notify($"RELOADING=1\nMONOTONIC_USEC={SystemdNotifySocket.MonotonicMicroseconds()}");
            try
            {
                root.Reload();
            }
            catch (Exception exception)
            {
                if (notify)
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
            if (notify)
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
