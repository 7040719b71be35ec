using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Signals.Hosting;

/// <summary>
/// The thread-stacks signal (SIGQUIT by default): every managed thread's stack in the log, the process keeps running.
/// Subscribed in <see cref="StartingAsync"/> for the same reason as <see cref="SignalHostingService"/> (after
/// ConsoleLifetime's PosixSignalRegistration for SIGQUIT, which our Handle subscription then replaces, so SIGQUIT no
/// longer stops the host). The callback runs on the dispatcher and only hands off: one capture at a time runs on a
/// thread of its own (it blocks for a second or two), and a request that comes while one is written is counted and
/// skipped, not queued (an operator pressing twice wants one report, and a queue would freeze the service longer).
/// </summary>
internal sealed class ThreadStackService(
    IOptions<SignalHostingOptions> options,
    ILogger<ThreadStackService> logger,
    IThreadStackSource? source = null) : IHostedLifecycleService, IDisposable
{
    private readonly SignalHostingOptions _options = options.Value;
    private SignalSubscription? _subscription;
    private int _busy;
    private long _skipped;

    /// <summary>Requests skipped because a report was being written.</summary>
    internal long Skipped => Interlocked.Read(ref _skipped);

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        if (!_options.WriteThreadStacksOnSignal || !SignalEvents.IsSupported)
            return Task.CompletedTask; // SignalHostingService logs the unsupported platform once
        var signal = _options.ThreadStacksSignal ?? Signal.SIGQUIT;
        if (SignalHandlers.Get(signal).Kind == SignalDispositionKind.Ignored)
        {
            logger.LogInformation("Signals: {Signal} is ignored (inherited from the parent process, e.g. a background job): leaving it ignored, " +
                "so it writes no thread stacks. Set SignalHostingOptions.ThreadStacksSignal to another signal (e.g. SIGUSR2) to get them.", signal);
            return Task.CompletedTask;
        }
        var policy = _options.ThreadStacks;
        _subscription = SignalEvents.Subscribe(signal, signalEvent =>
        {
            if (!policy.Accepts(signalEvent))
            {
                ThreadPool.UnsafeQueueUserWorkItem(_ => logger.LogWarning(
                    "Rejected {Signal} from pid {SenderPid} uid {SenderUid} (verified {SenderVerified}): the thread stacks sender policy does not allow this sender.",
                    signalEvent.Signal, signalEvent.SenderPid, signalEvent.SenderUid, signalEvent.IsSenderVerified), null);
                return;
            }
            if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
            {
                long skipped = Interlocked.Increment(ref _skipped);
                ThreadPool.UnsafeQueueUserWorkItem(_ => logger.LogInformation(
                    "Received {Signal} from pid {SenderPid} uid {SenderUid} while thread stacks are being written: skipped ({Skipped} so far).",
                    signalEvent.Signal, signalEvent.SenderPid, signalEvent.SenderUid, skipped), null);
                return;
            }
            new Thread(() => Write(signalEvent)) { Name = "Signals thread stacks", IsBackground = true }.Start();
        }, new SubscriptionOptions { Policy = SignalPolicy.Handle, Target = CallbackTarget.Dispatcher });
        return Task.CompletedTask;
    }

    private void Write(SignalEvent signalEvent)
    {
        try
        {
            string reason = $"{signalEvent.Signal} from pid {signalEvent.SenderPid} uid {signalEvent.SenderUid} (verified {signalEvent.IsSenderVerified})";
            if (source is null)
            {
                logger.LogWarning("Received {Reason}: no managed thread stacks, because no IThreadStackSource is registered. " +
                    "Add the Signals.Diagnostics package and call services.AddSignalDiagnostics().", reason);
                return;
            }
            var text = new StringWriter();
            source.WriteThreadStacks(text, reason, CancellationToken.None);
            logger.LogInformation("Thread stacks ({Reason}):{NewLine}{ThreadStacks}", reason, Environment.NewLine, text.ToString());
        }
        catch (Exception exception) when (exception is InvalidOperationException or PlatformNotSupportedException or IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Received {Signal}, but no thread stacks: {Cause}", signalEvent.Signal, exception.Message);
        }
        catch (Exception exception)
        {
            logger.LogError(exception, "Writing thread stacks for {Signal} failed.", signalEvent.Signal);
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => Interlocked.Exchange(ref _subscription, null)?.Dispose();
}
