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
    /// Whether Signals works in this process: its native library exists for this platform and loaded
    /// (linux-x64, linux-arm64, linux-musl-x64). When false (Windows, macOS, another Linux runtime), every other
    /// member throws <see cref="PlatformNotSupportedException"/> saying why; the runtime's own signal handling
    /// (e.g. PosixSignalRegistration, Console.CancelKeyPress) is unaffected. A load that failed for a passing reason
    /// (no free file descriptor, no memory) also gives false, and the use throws <see cref="IOException"/> naming the
    /// loader's error; it is not remembered: the next call tries to load the library again.
    /// </summary>
    public static bool IsSupported => PlatformSupport.IsSupported;

    /// <summary>
    /// Raised when a callback throws. The dispatcher keeps running and other subscriptions keep receiving.
    /// Without a handler here, the exception is written to standard error: never silently swallowed (but a standard
    /// error that cannot be written, a full disk say, loses the line rather than the dispatcher).
    /// </summary>
    public static event EventHandler<SignalCallbackFailedEventArgs>? CallbackFailed;

    /// <summary>
    /// Whether the dispatcher reinstalls our handler where someone put SIG_DFL or SIG_IGN over it while a
    /// subscription needs it (checked every 200 ms after a change, backing off
    /// to every 60 s when nothing changes; .NET's System.Native does this when a PosixSignalRegistration made
    /// before ours is disposed). At most 3 repairs per signal within 10 s: then
    /// that signal is left alone and <see cref="RepairAbandoned"/> reports it. Default: true.
    /// </summary>
    public static bool RepairTampering { get; set; } = true;

    /// <summary>
    /// Raised (once, on the dispatcher thread) when the periodic repair gives up on a signal because someone keeps
    /// overwriting our handler: 3 repairs within 10 s. The signal is then not repaired again until a new
    /// subscription to it or an explicit <see cref="CheckTampering"/>. Without a handler here, it is
    /// written to standard error.
    /// </summary>
    public static event EventHandler<SignalRepairAbandonedEventArgs>? RepairAbandoned;

    /// <summary>
    /// Records the library dropped because they name no signal of this system. Records live in the process's
    /// own memory, written only by the library's handler, so this stays 0; in 0.1.0 records travelled in a
    /// pipe that another process of the same uid could open and write, and forged ones were counted here.
    /// </summary>
    public static long DroppedRecords =>
        (long)Native.SignalsForgedRecords() + SignalDispatcher.DroppedRecords;

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
    /// <exception cref="InvalidOperationException">The dispatcher thread could not be created (the user's thread limit,
    /// RLIMIT_NPROC, reached): nothing was subscribed, and a later call tries again.</exception>
    public static SignalSubscription Subscribe(Signal signal, Action<SignalEvent> callback, SubscriptionOptions? options = null) =>
        Subscribe([signal], callback, options);

    /// <summary>Subscribes a callback to several signals.</summary>
    /// <exception cref="ArgumentException">A signal cannot be handled, or the list is empty.</exception>
    /// <exception cref="InvalidOperationException">The dispatcher thread could not be created (the user's thread limit,
    /// RLIMIT_NPROC, reached): nothing was subscribed, and a later call tries again.</exception>
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
    /// <remarks>
    /// Unlike <c>sigtimedwait</c> it has no notion of a pending signal: it sees deliveries from the moment of the
    /// call (a zero timeout right after a signal was sent returns null), and it does not consume what it returns:
    /// the signal's other subscriptions receive the same delivery. <see cref="SignalMask.WaitBlocked"/> is the raw
    /// <c>sigtimedwait</c>.
    /// </remarks>
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
    /// Lists the signals where someone put SIG_DFL or SIG_IGN over our handler while a subscription needs it,
    /// and reinstalls ours when <paramref name="repair"/> is true (also where the periodic repair gave up:
    /// this call re-arms it). The dispatcher does this by itself (every 200 ms after a
    /// subscription change or repair, backing off to every 60 s; <see cref="RepairTampering"/>).
    /// </summary>
    /// <remarks>
    /// A handler function installed over ours is not tampering: it is the signal's next owner (a
    /// PosixSignalRegistration, System.Native's SIGCHLD handler at the first Process.Start, another
    /// library), which calls ours as its previous action or chose not to. Putting ours back on top would cut it
    /// out, so such signals are neither listed nor repaired.
    /// </remarks>
    public static IReadOnlyList<Signal> CheckTampering(bool repair = true) =>
        TamperGuard.Check(repair, periodic: false);

    /// <summary>Deliveries the native handler counted for a signal, and how many of them were coalesced.</summary>
    public static (ulong Delivered, ulong Coalesced) Counters(Signal signal)
    {
        NativeResult.Check(Native.SignalsCounters(signal.Number, out ulong delivered, out ulong overflowed),
            $"Reading the counters of {signal}");
        return (delivered, overflowed);
    }

    /// <summary>
    /// Disposes every subscription (restoring the previous actions), stops the dispatcher thread and closes
    /// the native wake channel, then waits for a callback in flight on the dispatcher thread to return. A
    /// delivery recorded before the restore and not yet dispatched is not lost: a Handle subscription had kept
    /// it from the previous action, so it is handed on to the restored action now (re-sent to this process:
    /// a default that ends the process does). A subscription made meanwhile (from another thread, or by that
    /// very callback) is not affected: it starts a new dispatcher thread. Must not be called from a signal
    /// callback.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called from a signal callback.</exception>
    public static void Shutdown()
    {
        if (SignalDispatcher.IsDispatcherThread)
            throw new InvalidOperationException("Shutdown cannot be called from a signal callback: it waits for the dispatcher thread to end.");
        SignalRegistry.Shutdown()?.Join();
        SignalDispatcher.DispatchLeftovers();
    }

    internal static void ReportCallbackFailure(SignalSubscription subscription, in SignalEvent signalEvent, Exception exception)
    {
        SignalsMeter.CallbackFailed(signalEvent.Signal);
        var handler = CallbackFailed;
        if (handler is null)
        {
            StandardErrorReport.Write($"a callback for {signalEvent.Signal} threw; the dispatcher goes on.", exception);
            return;
        }
        try
        {
            handler(null, new SignalCallbackFailedEventArgs(subscription, signalEvent, exception));
        }
        catch (Exception secondary)
        {
            StandardErrorReport.Write("the CallbackFailed handler threw too.", secondary);
        }
    }

    internal static Signal[] Validate(IEnumerable<Signal> signals, string parameterName)
    {
        // Plain loops over arrays of Signal: no List<Signal>, EqualityComparer<Signal>, array enumerator or LINQ.
        // Every framework generic instantiated over the Signal struct is code the JIT compiles at the first
        // Subscribe of a process, which ReadyToRun cannot carry (bench: first_subscribe_ms).
        var given = CopyOf(signals);
        var unique = new Signal[given.Length];
        int count = 0;
        foreach (var signal in given)
            if (IndexOf(unique, count, signal) < 0)
                unique[count++] = signal;
        if (count == 0)
            throw new ArgumentException("At least one signal is needed.", parameterName);
        if (count < unique.Length)
            unique = Resize(unique, count, count);
        foreach (var signal in unique)
            signal.EnsureHandleable(parameterName);
        return unique;
    }

    // The caller's signals in an array, enumerated once; an array or a list (what a collection expression
    // makes) is indexed, so that no enumerator over Signal is instantiated.
    private static Signal[] CopyOf(IEnumerable<Signal> signals)
    {
        if (signals is Signal[] array)
            return array; // only read
        if (signals is IReadOnlyList<Signal> list)
        {
            var copy = new Signal[list.Count];
            for (int i = 0; i < copy.Length; i++)
                copy[i] = list[i];
            return copy;
        }
        var buffer = new Signal[8];
        int count = 0;
        foreach (var signal in signals)
        {
            if (count == buffer.Length)
                buffer = Resize(buffer, count, count * 2);
            buffer[count++] = signal;
        }
        return count == buffer.Length ? buffer : Resize(buffer, count, count);
    }

    private static Signal[] Resize(Signal[] buffer, int count, int length)
    {
        var grown = new Signal[length];
        for (int i = 0; i < count; i++)
            grown[i] = buffer[i];
        return grown;
    }

    private static int IndexOf(Signal[] signals, int count, Signal signal)
    {
        for (int i = 0; i < count; i++)
            if (signals[i].Number == signal.Number)
                return i;
        return -1;
    }

    internal static void ReportRepairAbandoned(Signal signal, int repairs, TimeSpan window)
    {
        var handler = RepairAbandoned;
        if (handler is null)
        {
            StandardErrorReport.Write($"someone keeps overwriting the handler of {signal} ({repairs} repairs within " +
                $"{window.TotalSeconds:0} s); it is no longer repaired. SignalEvents.CheckTampering() repairs it again.");
            return;
        }
        try
        {
            handler(null, new SignalRepairAbandonedEventArgs(signal, repairs, window));
        }
        catch (Exception exception)
        {
            StandardErrorReport.Write("the RepairAbandoned handler threw.", exception);
        }
    }

    internal static void ValidateTimeout(TimeSpan timeout)
    {
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be positive, zero or Timeout.InfiniteTimeSpan.");
    }
}
