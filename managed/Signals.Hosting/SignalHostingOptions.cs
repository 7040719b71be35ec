namespace Signals.Hosting;

/// <summary>What <see cref="SignalHostingServiceCollectionExtensions.AddSignals"/> does with each signal.</summary>
public sealed class SignalHostingOptions
{
    /// <summary>
    /// SIGHUP reloads configuration (<c>IConfigurationRoot.Reload()</c>) and raises
    /// <see cref="SignalHostEvents.ConfigurationReloaded"/>. Default: true.
    /// </summary>
    public bool ReloadOnHangup { get; set; } = true;

    /// <summary>
    /// SIGTERM and SIGINT are ours: they call <c>IHostApplicationLifetime.StopApplication</c> and arm the
    /// <see cref="ShutdownDeadline"/>; the runtime's handler (which <c>ConsoleLifetime</c> listens to) no longer
    /// runs for them. False leaves both signals to <c>ConsoleLifetime</c>, without a deadline. Default: true.
    /// </summary>
    public bool HandleTermination { get; set; } = true;

    /// <summary>The default <see cref="ShutdownDeadline"/>: 8 seconds.</summary>
    /// <remarks>
    /// Below Docker's 10 s grace period (<c>docker stop</c>'s default), with 2 s left for the runtime to end and
    /// the container to be reaped, so the exit status says SIGTERM (143) and not SIGKILL (137). Kubernetes' default
    /// grace (30 s) is longer, so this also fits there.
    /// </remarks>
    public static readonly TimeSpan DefaultShutdownDeadline = TimeSpan.FromSeconds(8);

    /// <summary>The configuration key read for <see cref="ShutdownDeadline"/> when it is not set in code.</summary>
    public const string ShutdownDeadlineKey = "Signals:ShutdownDeadline";

    /// <summary>
    /// How long the process may take to end after SIGTERM/SIGINT. When it passes, the process ends by that
    /// signal's default action (exit status 128+N: 143 for SIGTERM, 130 for SIGINT), whatever is still
    /// running. <see cref="Timeout.InfiniteTimeSpan"/> disables it. Set it below the orchestrator's grace period.
    /// When null (the default), the first of these applies: the configuration value <c>Signals:ShutdownDeadline</c>
    /// (a TimeSpan such as <c>00:00:20</c>, or <c>Infinite</c>); the host's <c>HostOptions.ShutdownTimeout</c> when it
    /// is not .NET's default of 30 s (so it was set on purpose); <see cref="DefaultShutdownDeadline"/> (8 s).
    /// </summary>
    public TimeSpan? ShutdownDeadline { get; set; }

    /// <summary>
    /// The drain before the stop: on SIGTERM the readiness health check (tag <c>ready</c>, registered by
    /// <c>AddSignals()</c>) turns Unhealthy and <see cref="SignalHostEvents.ShutdownDraining"/> is raised at once, the
    /// application keeps serving for this long (so a load balancer or Kubernetes notices and stops routing to it), then
    /// StopApplication is called. The <see cref="ShutdownDeadline"/> counts from the signal and includes the delay, so
    /// the delay must be shorter than the deadline (refused at start otherwise). A second SIGTERM/SIGINT during the
    /// delay skips the rest of it. SIGINT (a developer's Ctrl-C) stops at once unless
    /// <see cref="DelayShutdownOnInterrupt"/>. Default: zero (StopApplication at once).
    /// </summary>
    public TimeSpan ShutdownDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Whether SIGINT waits for <see cref="ShutdownDelay"/> as SIGTERM does. Default: false.</summary>
    public bool DelayShutdownOnInterrupt { get; set; }

    /// <summary>
    /// systemd's watchdog: when <c>WATCHDOG_USEC</c> is set (<c>WatchdogSec=</c> in the unit) and <c>WATCHDOG_PID</c> is
    /// this process or absent, send <c>WATCHDOG=1</c> every half interval while the host's health checks (all but the
    /// drain's readiness check) report Healthy or Degraded; an Unhealthy report stops them, so systemd restarts the
    /// service. Stops at ApplicationStopping. Default: true.
    /// </summary>
    public bool SystemdWatchdog { get; set; } = true;

    /// <summary>What a second SIGTERM/SIGINT does during the shutdown. Default: <see cref="SecondSignalBehavior.ExitNow"/>.</summary>
    public SecondSignalBehavior SecondSignal { get; set; } = SecondSignalBehavior.ExitNow;

    /// <summary>Who may reload the configuration with SIGHUP. Default: anyone who may signal the process.</summary>
    public SignalSenderPolicy Reload { get; set; } = new();

    /// <summary>Who may stop the application with SIGTERM/SIGINT. Default: anyone who may signal the process.</summary>
    public SignalSenderPolicy Stop { get; set; } = new();

    /// <summary>Who may ask for a diagnostics snapshot with SIGUSR1. Default: anyone who may signal the process.</summary>
    public SignalSenderPolicy Diagnostics { get; set; } = new();

    /// <summary>SIGUSR1 logs a diagnostics snapshot (process, GC, threads, host state) as Information. Default: true.</summary>
    public bool LogDiagnosticsOnUser1 { get; set; } = true;

    /// <summary>
    /// The shortest time between the starts of two SIGHUP reloads; one reload runs at a time. SIGHUPs that come sooner
    /// are counted, logged once per interval, and answered by one more reload when the interval ends (so the last
    /// edit is always read). Zero: only "one at a time". Default: 1 second.
    /// </summary>
    public TimeSpan ReloadMinimumInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The shortest time between the starts of two SIGUSR1 diagnostics snapshots; one snapshot is taken at a time.
    /// SIGUSR1s that come sooner are counted and logged once per interval, and not run. Zero: only "one at a time".
    /// Default: 5 seconds.
    /// </summary>
    public TimeSpan DiagnosticsMinimumInterval { get; set; } = TimeSpan.FromSeconds(5);

    internal static void ValidateInterval(TimeSpan interval, string name)
    {
        if (interval < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(name, interval, $"{name} must be zero or positive.");
    }

    /// <summary>
    /// <see cref="ThreadStacksSignal"/> (SIGQUIT unless changed) writes every managed thread's stack to the log, like
    /// <c>kill -3</c> for a JVM, and the process keeps running. The stacks come from an <see cref="IThreadStackSource"/>
    /// (Signals.Diagnostics: <c>services.AddSignalDiagnostics()</c>); without one a single line says so. A signal
    /// inherited ignored (a background job, nohup) stays ignored. False leaves SIGQUIT to <c>ConsoleLifetime</c>
    /// (which stops the application). Default: true.
    /// </summary>
    public bool WriteThreadStacksOnSignal { get; set; } = true;

    /// <summary>The signal that asks for thread stacks. Null (the default) means SIGQUIT.</summary>
    public Signal? ThreadStacksSignal { get; set; }

    /// <summary>Who may ask for thread stacks. Default: anyone who may signal the process.</summary>
    public SignalSenderPolicy ThreadStacks { get; set; } = new();

    /// <summary>
    /// When the <see cref="ShutdownDeadline"/> is about to pass, the stacks of the threads still running are written to
    /// the log (and stderr) before the process ends: they say why the shutdown hung. The capture starts
    /// half the deadline (at most 5 s) before it and is abandoned at the deadline, which it never moves.
    /// Needs an <see cref="IThreadStackSource"/> (Signals.Diagnostics). Default: true.
    /// </summary>
    public bool WriteThreadStacksAtShutdownDeadline { get; set; } = true;

    /// <summary>
    /// The part of the shutdown deadline given to the thread stacks of a hung shutdown: half the deadline, at most 5 s.
    /// </summary>
    internal static TimeSpan ShutdownStacksSlice(TimeSpan deadline) =>
        TimeSpan.FromTicks(Math.Min(deadline.Ticks / 2, TimeSpan.FromSeconds(5).Ticks));

    internal static void Validate(TimeSpan deadline, string source)
    {
        if (deadline <= TimeSpan.Zero && deadline != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(ShutdownDeadline), deadline,
                $"The shutdown deadline ({source}) must be positive or Timeout.InfiniteTimeSpan.");
    }
}
