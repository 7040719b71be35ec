using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Signals.Dispatch;
using Signals.Interop;

namespace Signals;

/// <summary>
/// Subscribing to signals and waiting for them. Callbacks run on one named thread ("Signals
/// dispatcher"), never in signal context; any number of independent subscriptions per signal.
/// </summary>
public static class SignalEvents
{
    /// <summary>
    /// Raised when a callback throws. The dispatcher keeps running and other subscriptions keep receiving.
    /// Without a handler here, the exception is written to standard error: never silently swallowed.
    /// </summary>
    public static event EventHandler<SignalCallbackFailedEventArgs>? CallbackFailed;

    /// <summary>
    /// Whether the dispatcher reinstalls our handlers when someone overwrote them (checked every 200 ms after a
    /// change, every 30 s when idle; .NET's System.Native does this when a PosixSignalRegistration is disposed).
    /// Default: true.
    /// </summary>
    public static bool RepairTampering { get; set; } = true;

    private static TimeSpan _dispatcherSpin = TimeSpan.Zero;

    /// <summary>
    /// How long the dispatcher polls for the next signal before it sleeps (default zero: never; 50 µs suits signals
    /// that come back to back, such as a request-response protocol over signals). A signal
    /// that follows within it is dispatched without the tens of microseconds of waking a sleeping thread; the
    /// price is up to that much CPU per wake-up, so it polls only when its previous wait was no longer than this
    /// (signals back to back): an isolated signal or a steady stream pays nothing for it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative, or more than one second.</exception>
    public static TimeSpan DispatcherSpin
    {
        get => _dispatcherSpin;
        set
        {
            if (value < TimeSpan.Zero || value > TimeSpan.FromSeconds(1))
                throw new ArgumentOutOfRangeException(nameof(value), value, "The dispatcher spin must be between zero and one second.");
            NativeResult.Check(Native.SignalsSetReaderSpin((int)value.TotalMicroseconds), "Setting the dispatcher spin");
            _dispatcherSpin = value;
        }
    }

    /// <summary>Subscribes a callback to one signal.</summary>
    /// <exception cref="ArgumentException">The signal cannot be handled (the message says why).</exception>
    public static SignalSubscription Subscribe(Signal signal, Action<SignalEvent> callback, SubscriptionOptions? options = null) =>
        Subscribe([signal], callback, options);

    /// <summary>Subscribes a callback to several signals.</summary>
    /// <exception cref="ArgumentException">A signal cannot be handled, or the list is empty.</exception>
    public static SignalSubscription Subscribe(IEnumerable<Signal> signals, Action<SignalEvent> callback, SubscriptionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(signals);
        ArgumentNullException.ThrowIfNull(callback);
        var list = Validate(signals, nameof(signals));
        var subscription = new SignalSubscription(list, callback, options ?? SubscriptionOptions.Default);
        SignalRegistry.Add(subscription);
        return subscription;
    }

    /// <summary>Waits for the next delivery of one of <paramref name="signals"/> (handled while waiting).</summary>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    public static async Task<SignalEvent> WaitAsync(IEnumerable<Signal> signals, CancellationToken cancellationToken = default)
    {
        var completion = new TaskCompletionSource<SignalEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = Subscribe(signals, e => completion.TrySetResult(e));
        using var registration = cancellationToken.Register(() => completion.TrySetCanceled(cancellationToken));
        return await completion.Task.ConfigureAwait(false);
    }

    /// <summary>Waits for the next delivery of <paramref name="signal"/>.</summary>
    public static Task<SignalEvent> WaitAsync(Signal signal, CancellationToken cancellationToken = default) =>
        WaitAsync([signal], cancellationToken);

    /// <summary>
    /// Python's <c>sigtimedwait</c>: blocks the calling thread until one of <paramref name="signals"/> arrives
    /// (returns it) or the timeout passes (returns null). Works from any thread: no signal mask needed.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is negative (other than infinite).</exception>
    /// <exception cref="InvalidOperationException">Called from a signal callback, where it could never see the signal.</exception>
    public static SignalEvent? Wait(IEnumerable<Signal> signals, TimeSpan timeout)
    {
        ValidateTimeout(timeout);
        if (SignalDispatcher.IsDispatcherThread)
            throw new InvalidOperationException("Wait cannot be called from a signal callback: the signal it waits for would be dispatched on this same thread. Use WaitAsync.");
        SignalEvent? received = null;
        using var arrived = new ManualResetEventSlim();
        using (Subscribe(signals, e => { if (!arrived.IsSet) { received = e; arrived.Set(); } }))
            arrived.Wait(timeout);
        return received;
    }

    /// <summary>Python's <c>sigwaitinfo</c>: blocks until one of <paramref name="signals"/> arrives.</summary>
    public static SignalEvent Wait(IEnumerable<Signal> signals) => Wait(signals, Timeout.InfiniteTimeSpan)!.Value;

    /// <summary>
    /// Python's <c>signal.pause()</c>: blocks until a signal we handle has been dispatched (its callbacks
    /// ran) or the timeout passes. Returns false on timeout.
    /// </summary>
    public static bool Pause(TimeSpan timeout)
    {
        ValidateTimeout(timeout);
        if (SignalDispatcher.IsDispatcherThread)
            throw new InvalidOperationException("Pause cannot be called from a signal callback: it waits for the dispatcher, which is running the callback.");
        return SignalDispatcher.WaitForNextDispatch(timeout);
    }

    /// <summary>Blocks until a signal we handle has been dispatched.</summary>
    public static void Pause() => Pause(Timeout.InfiniteTimeSpan);

    /// <summary>
    /// Every delivery of <paramref name="signals"/> as an asynchronous stream, from the moment of the call until
    /// the token is cancelled (the enumeration then ends without throwing). Nothing is dropped: the buffer is unbounded.
    /// </summary>
    public static async IAsyncEnumerable<SignalEvent> ReadAllAsync(IEnumerable<Signal> signals,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<SignalEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var subscription = Subscribe(signals, e => channel.Writer.TryWrite(e));
        while (true)
        {
            try
            {
                if (!await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                    yield break;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                yield break;
            }
            while (channel.Reader.TryRead(out var signalEvent))
                yield return signalEvent;
        }
    }

    /// <summary>
    /// Lists the signals whose handler someone else overwrote since we installed it, and reinstalls ours
    /// when <paramref name="repair"/> is true. The dispatcher does this by itself (every 200 ms after a
    /// subscription change or repair, backing off to every 30 s).
    /// </summary>
    /// <remarks>
    /// A handler function that System.Native installed over ours for SIGCHLD, SIGCONT, SIGTTOU or SIGWINCH (at the
    /// first Process.Start, Console use or terminal change) is not tampering: it calls ours (pal_signal.c,
    /// SignalHandler), and putting ours back on top would cut Process.WaitForExit off from SIGCHLD. Those are
    /// neither listed nor repaired; SIG_DFL or SIG_IGN put back over ours on those signals still is tampering.
    /// </remarks>
    public static IReadOnlyList<Signal> CheckTampering(bool repair = true)
    {
        ulong tampered = Native.SignalsTampered();
        if (tampered == 0)
            return [];
        var signals = SignalSet.FromMask(tampered).Where(signal => !ChainsToUs(signal)).ToList();
        if (signals.Count == 0)
            return [];
        if (repair)
        {
            lock (SignalRegistry.Gate)
            {
                foreach (var signal in signals)
                {
                    int result = Native.SignalsReinstall(signal.Number);
                    if (result < 0 && -result != NativeResult.ENOENT)
                        NativeResult.Check(result, $"Reinstalling the handler for {signal}");
                }
            }
        }
        return signals;
    }

    private static bool ChainsToUs(Signal signal) =>
        RuntimeSignalHandling.ChainsToUs(signal.Number) &&
        Native.SignalsDisposition(signal.Number) == NativeConstants.DispositionForeign;

    /// <summary>Deliveries the native handler counted for a signal, and how many of them were coalesced.</summary>
    public static (ulong Delivered, ulong Coalesced) Counters(Signal signal)
    {
        NativeResult.Check(Native.SignalsCounters(signal.Number, out ulong delivered, out ulong overflowed),
            $"Reading the counters of {signal}");
        return (delivered, overflowed);
    }

    /// <summary>
    /// Disposes every subscription (restoring the previous actions), stops the dispatcher thread and closes
    /// the pipe. A later subscription starts everything again. Must not be called from a signal callback.
    /// </summary>
    public static void Shutdown()
    {
        if (SignalDispatcher.IsDispatcherThread)
            throw new InvalidOperationException("Shutdown cannot be called from a signal callback: it waits for the dispatcher thread to end.");
        foreach (var subscription in SignalRegistry.All())
            subscription.Dispose();
        lock (SignalRegistry.Gate)
        {
            SignalDispatcher.Stop();
            Native.SignalsShutdown();
        }
    }

    internal static void ReportCallbackFailure(SignalSubscription subscription, in SignalEvent signalEvent, Exception exception)
    {
        var handler = CallbackFailed;
        if (handler is null)
        {
            Console.Error.WriteLine($"Signals: a callback for {signalEvent.Signal} threw; the dispatcher goes on. {exception}");
            return;
        }
        try
        {
            handler(null, new SignalCallbackFailedEventArgs(subscription, signalEvent, exception));
        }
        catch (Exception secondary)
        {
            Console.Error.WriteLine($"Signals: the CallbackFailed handler threw too. {secondary}");
        }
    }

    internal static Signal[] Validate(IEnumerable<Signal> signals, string parameterName)
    {
        // A plain loop, not Distinct().ToArray(): LINQ over the Signal struct JITs a few dozen generic
        // instantiations at the first Subscribe of a process (bench: first_subscribe_ms).
        var list = new List<Signal>();
        foreach (var signal in signals)
            if (!list.Contains(signal))
                list.Add(signal);
        if (list.Count == 0)
            throw new ArgumentException("At least one signal is needed.", parameterName);
        foreach (var signal in list)
            signal.EnsureHandleable(parameterName);
        return list.ToArray();
    }

    internal static void ValidateTimeout(TimeSpan timeout)
    {
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be positive, zero or Timeout.InfiniteTimeSpan.");
    }
}
