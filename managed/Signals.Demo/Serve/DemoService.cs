using System.Diagnostics;
using System.Globalization;

namespace Signals.Demo.Serve;

/// <summary>
/// A small long-running service: it does simulated jobs on the main thread, reloads its config on SIGHUP,
/// prints diagnostics on SIGUSR1, shuts down gracefully within a deadline on SIGTERM/SIGINT and exits at
/// once, by the signal, when a second one arrives during the shutdown. Signal callbacks run on the
/// dispatcher thread; they only count, swap the config and cancel a token (acting first), then queue their log
/// lines (<see cref="ServiceLog"/> never blocks on stdout), so the main thread never has to poll for signals and a
/// failing or stalled stdout never keeps a stop signal from stopping the service.
/// </summary>
public sealed class DemoService
{
    private static readonly Signal[] ShutdownSignals = [Signal.SIGTERM, Signal.SIGINT];

    /// <summary>Every signal the service handles.</summary>
    public static IReadOnlyList<Signal> HandledSignals { get; } = [Signal.SIGHUP, Signal.SIGINT, Signal.SIGUSR1, Signal.SIGTERM];

    /// <summary>How long the last lines may take to go out before the process ends anyway (stdout may be stalled).</summary>
    private static readonly TimeSpan LastLinesPatience = TimeSpan.FromSeconds(1);

    private readonly Stopwatch _uptime = Stopwatch.StartNew();
    private readonly SignalLedger _ledger = new(HandledSignals);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly TimeSpan _deadline;
    private ServiceConfig _config;
    private long _jobsDone;
    private Signal? _shutdownSignal;

    /// <summary>Creates the service with its loaded config and the shutdown deadline.</summary>
    public DemoService(ServiceConfig config, TimeSpan deadline)
    {
        _config = config;
        _deadline = deadline;
    }

    /// <summary>
    /// Installs the handlers, except for a SIGINT or SIGQUIT that the process inherited ignored (see
    /// <see cref="LeftIgnored"/>). Call before announcing the PID, so nobody can signal too early.
    /// </summary>
    public SignalSubscription Subscribe()
    {
        // The shell convention, which Python and the .NET runtime follow too: a shell starts a background job
        // (`svc &`) with SIGINT and SIGQUIT ignored so that Ctrl-C in that terminal does not reach it, and a
        // program keeps such an inherited SIG_IGN instead of installing its own handler over it.
        LeftIgnored = HandledSignals
            .Where(signal => (signal == Signal.SIGINT || signal == Signal.SIGQUIT) && SignalHandlers.Get(signal).Kind == SignalDispositionKind.Ignored)
            .ToArray();
        return SignalEvents.Subscribe(HandledSignals.Except(LeftIgnored).ToArray(), OnSignal);
    }

    /// <summary>
    /// Ctrl-Z: SIGTSTP logs "suspended" (flushed first), stops the process the way SIGTSTP's default action would
    /// (<see cref="SignalTermination.StopBySignal"/>), and logs "resumed" once SIGCONT (<c>fg</c>) continues it. Null when
    /// SIGTSTP was inherited ignored: it stays ignored.
    /// </summary>
    public SignalSubscription? SubscribeJobControl() =>
        SignalHandlers.Get(Signal.SIGTSTP).Kind == SignalDispositionKind.Ignored ? null : SignalEvents.Subscribe(Signal.SIGTSTP, OnSuspend);

    // On the dispatcher thread. The process stops inside StopBySignal; the dispatcher with it.
    private void OnSuspend(SignalEvent signalEvent)
    {
        ServiceLog.Write($"{Received(signalEvent)}: suspended; fg (or kill -CONT {Environment.ProcessId}) resumes");
        ServiceLog.Flush(LastLinesPatience);
        SignalTermination.StopBySignal(Signal.SIGTSTP);
        ServiceLog.Write("resumed (SIGCONT)");
    }

    /// <summary>Handled signals that <see cref="Subscribe"/> left alone because they were ignored when the process started.</summary>
    public IReadOnlyList<Signal> LeftIgnored { get; private set; } = [];

    /// <summary>Works until a shutdown is requested, then drains; returns the exit status (0 after a clean shutdown).</summary>
    public int Run()
    {
        var lastHeartbeat = _uptime.Elapsed;
        while (!_shutdown.IsCancellationRequested)
        {
            var config = Config; // one snapshot per job: a reload applies from the next one
            if (_shutdown.Token.WaitHandle.WaitOne(config.Job))
                break; // the job in hand is "in flight": the drain finishes it
            Interlocked.Increment(ref _jobsDone);
            if (config.Heartbeat > TimeSpan.Zero && _uptime.Elapsed - lastHeartbeat >= config.Heartbeat)
            {
                ServiceLog.Write($"heartbeat: {config.Name}: {JobsDone} jobs done, uptime {Seconds(_uptime.Elapsed)}");
                lastHeartbeat = _uptime.Elapsed;
            }
        }
        return Drain();
    }

    private ServiceConfig Config => Volatile.Read(ref _config);

    private long JobsDone => Interlocked.Read(ref _jobsDone);

    private int Drain()
    {
        var drain = Config.Drain;
        ServiceLog.Write($"draining: finishing in-flight work (takes {Seconds(drain)}, deadline {Seconds(_deadline)})");
        var started = Stopwatch.StartNew();
        // The simulated work cannot be hurried: when it needs longer than the deadline, the deadline wins.
        Thread.Sleep(drain < _deadline ? drain : _deadline);
        var signal = _shutdownSignal!.Value;
        if (drain < _deadline)
        {
            ServiceLog.Write($"shutdown complete after {Seconds(started.Elapsed)}: {JobsDone + 1} jobs done; exiting with status 0");
            ServiceLog.Flush(LastLinesPatience);
            return 0;
        }
        ServiceLog.Write($"shutdown deadline of {Seconds(_deadline)} passed with work unfinished; exiting by {signal} (status {128 + signal.Number})");
        ServiceLog.Flush(LastLinesPatience);
        SignalTermination.ExitBySignal(signal);
        return 128 + signal.Number; // not reached
    }

    // On the dispatcher thread, one delivery at a time. The action comes first and the log lines after it: writing
    // never blocks (ServiceLog queues), but a stop signal must not even wait for the formatting of a line.
    private void OnSignal(SignalEvent signalEvent)
    {
        _ledger.Record(signalEvent);
        var signal = signalEvent.Signal;
        if (ShutdownSignals.Contains(signal))
        {
            RequestShutdown(signalEvent);
            return;
        }
        string received = Received(signalEvent);
        if (signal == Signal.SIGHUP)
            Reload(received);
        else if (signal == Signal.SIGUSR1)
        {
            ServiceLog.Write(received);
            PrintDiagnostics();
        }
    }

    private static string Received(in SignalEvent signalEvent)
    {
        var signal = signalEvent.Signal;
        return signalEvent.IsCoalesced
            ? $"received {signal} ({signal.Number}) x{signalEvent.Count}, coalesced: senders unknown"
            : $"received {signal} ({signal.Number}) from pid {signalEvent.SenderPid} uid {signalEvent.SenderUid}" +
              signalEvent.Code switch
              {
                  SignalCode.Kernel => " (sent by the kernel: Ctrl-C in the terminal, a timer...)",
                  SignalCode.Queue => $" with value {signalEvent.Value}",
                  _ => "",
              };
    }

    private void Reload(string received)
    {
        var previous = Config;
        ServiceConfig reloaded;
        try
        {
            reloaded = ServiceConfig.Load(previous.Path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException)
        {
            ServiceLog.Write(received);
            ServiceLog.Write($"reload failed: {previous.Path}: {exception.Message}; keeping the previous configuration");
            return;
        }
        Volatile.Write(ref _config, reloaded);
        var changes = reloaded.ChangesFrom(previous);
        ServiceLog.Write(received);
        ServiceLog.Write(changes.Count == 0
            ? $"reloaded {reloaded.Path}: nothing changed"
            : $"reloaded {reloaded.Path}: {string.Join(", ", changes)}");
    }

    private void PrintDiagnostics()
    {
        string state = _shutdown.IsCancellationRequested ? "shutting down" : "running";
        ServiceLog.Write($"diagnostics: uptime {Seconds(_uptime.Elapsed)}, state {state}, {JobsDone} jobs done, config {Config.Path}");
        ServiceLog.Write($"diagnostics: deliveries {_ledger.DeliveriesText()}");
        ServiceLog.Write($"diagnostics: last sender {_ledger.LastSenderText()}");
    }

    private void RequestShutdown(in SignalEvent signalEvent)
    {
        var signal = signalEvent.Signal;
        if (_shutdownSignal is { } first)
        {
            // The process ends here: its last lines go out first, but for a bounded time only (stdout may be stalled).
            ServiceLog.Write(Received(signalEvent));
            ServiceLog.Write($"second shutdown signal ({signal}, after {first}): exiting at once by {signal} (status {128 + signal.Number})");
            ServiceLog.Flush(LastLinesPatience);
            SignalTermination.ExitBySignal(signal);
            return;
        }
        _shutdownSignal = signal;
        _shutdown.Cancel();
        ServiceLog.Write(Received(signalEvent));
        ServiceLog.Write($"graceful shutdown started by {signal}: deadline {Seconds(_deadline)}; send SIGTERM or SIGINT again to exit at once");
    }

    private static string Seconds(TimeSpan time) =>
        string.Create(CultureInfo.InvariantCulture, $"{time.TotalSeconds:0.0##} s");
}
