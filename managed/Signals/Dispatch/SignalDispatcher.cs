using Signals.Interop;

namespace Signals.Dispatch;

/// <summary>
/// Runs the thread ("Signals dispatcher", one <see cref="DispatcherRun"/> at a time) that reads the native
/// record ring and hands each record to the subscriptions of its signal, outside signal context. An
/// exception while dispatching one record is reported and the next record is dispatched.
/// </summary>
internal static class SignalDispatcher
{
    internal const string ThreadName = "Signals dispatcher";

    private static DispatcherRun? _current; // guarded by SignalRegistry.Gate
    [ThreadStatic] private static bool _isDispatcherThread;
    private static long _dispatched;
    private static long _droppedRecords;
    private static int _dropReported;
    private static int _pauseWaiters;
    private static readonly object PauseGate = new();

    /// <summary>Whether the calling thread is a dispatcher thread (the current run's, or one still ending).</summary>
    internal static bool IsDispatcherThread => _isDispatcherThread;

    /// <summary>Total events dispatched, for <see cref="SignalEvents.Pause(TimeSpan)"/>.</summary>
    internal static long Dispatched => Interlocked.Read(ref _dispatched);

    /// <summary>Records dropped here because they name no signal (see <see cref="SignalEvents.DroppedRecords"/>).</summary>
    internal static long DroppedRecords => Interlocked.Read(ref _droppedRecords);

    internal static void MarkDispatcherThread() => _isDispatcherThread = true;

    /// <summary>Starts a run unless one is active. Called with <see cref="SignalRegistry.Gate"/> held; never waits for a thread.</summary>
    internal static void EnsureRunning()
    {
        if (_current is { IsActive: true })
            return;
        NativeResult.Check(Native.SignalsInit(), "Creating the signal wake channel");
        var run = new DispatcherRun();
        run.Start();
        _current = run;
    }

    /// <summary>
    /// Asks the current run to stop and returns it, for the caller to <see cref="DispatcherRun.Join"/> once it
    /// has released the Gate. Called with <see cref="SignalRegistry.Gate"/> held.
    /// </summary>
    internal static DispatcherRun? Stop()
    {
        var run = _current;
        _current = null;
        run?.RequestStop();
        return run;
    }

    /// <summary>
    /// Hands one record to the subscriptions of its signal. Never throws. A record that came under a Handle
    /// policy kept the signal's previous action from running; if no subscription takes it (Dispose or
    /// Shutdown raced the delivery), it is handed on to the action now in place, so that a delivery is never
    /// lost between "recorded" and "a callback ran or the default action happened".
    /// </summary>
    internal static void Dispatch(in NativeRecord record)
    {
        // Only our handler writes records (the ring is in this process's memory); this keeps a bad number
        // from reaching new Signal(...), which throws, should that ever change.
        if (!Signal.IsDefined(record.Signo))
        {
            Drop(record);
            return;
        }
        try
        {
            var signalEvent = new SignalEvent(record);
            // Counted before the callbacks once the meter exists; the first delivery of a process is counted
            // after them, so that its callback does not wait for the meter to load (it then loads here).
            bool countFirst = MeterFailure.IsLoaded;
            if (countFirst)
                SignalsMeter.Dispatched(signalEvent);
            bool taken = false;
            var subscribers = SignalRegistry.For(record.Signo);
            foreach (var subscription in subscribers)
                taken |= subscription.Deliver(signalEvent, onlySubscriber: subscribers.Length == 1);
            if (!countFirst)
                SignalsMeter.Dispatched(signalEvent);
            if (!taken && signalEvent.CameUnderHandle)
                HandOnToCurrentAction(signalEvent);
        }
        catch (Exception exception)
        {
            // Deliver reports callback and hand-off failures itself; this is for anything else, so that one
            // record never ends the dispatcher (and with it the process).
            StandardErrorReport.Write($"dispatching a record of signal {record.Signo} failed; the dispatcher goes on.", exception);
        }
        Interlocked.Increment(ref _dispatched);
    }

    /// <summary>
    /// Gives a delivery that found no subscriber to whatever now handles the signal. Under the Gate, so that the
    /// Dispose that removed the last subscriber has restored the previous action by then. A subscription made
    /// meanwhile gets the event itself; otherwise the signal is sent to this process again, and the restored
    /// action (a default that ends the process, an ignore, another handler) takes it, as it would have had the
    /// signal come a moment later. Go's signal.Stop gives the same promise by waiting for the dispatch.
    /// </summary>
    internal static void HandOnToCurrentAction(in SignalEvent signalEvent)
    {
        int number = signalEvent.Signal.Number;
        lock (SignalRegistry.Gate)
        {
            if (SignalRegistry.For(number).Length == 0)
            {
                Native.SignalsKill(Native.SignalsGetpid(), number);
                return;
            }
        }
        foreach (var subscription in SignalRegistry.For(number)) // subscribed meanwhile: theirs now
            subscription.Deliver(signalEvent, onlySubscriber: false);
    }

    /// <summary>
    /// After a shutdown: the records our handler made before the restore and nobody dispatched, each handed
    /// to the subscriptions there are now (none, unless a new one was made) or on to the restored action.
    /// </summary>
    internal static void DispatchLeftovers()
    {
        var records = new NativeRecord[64];
        int count;
        while ((count = Native.SignalsRead(ref records[0], records.Length)) > 0)
            for (int i = 0; i < count; i++)
                Dispatch(records[i]);
    }

    // Said once on standard error (a flood of forged records must not become a flood of lines), always counted.
    private static void Drop(in NativeRecord record)
    {
        Interlocked.Increment(ref _droppedRecords);
        if (Interlocked.Exchange(ref _dropReported, 1) == 0)
            StandardErrorReport.Write($"dropped a record with signal number {record.Signo} that our handler did not write; " +
                "later ones are only counted (SignalEvents.DroppedRecords).");
    }

    internal static void WakePauseWaiters()
    {
        if (Volatile.Read(ref _pauseWaiters) == 0)
            return;
        lock (PauseGate)
            Monitor.PulseAll(PauseGate);
    }

    /// <summary>Blocks until the dispatcher has dispatched an event after this call began, or the timeout.</summary>
    internal static bool WaitForNextDispatch(TimeSpan timeout)
    {
        long deadline = timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        lock (PauseGate)
        {
            long seen = Dispatched;
            Interlocked.Increment(ref _pauseWaiters);
            try
            {
                while (Dispatched == seen)
                {
                    long left = deadline - Environment.TickCount64;
                    if (left <= 0)
                        return false;
                    Monitor.Wait(PauseGate, (int)Math.Min(left, int.MaxValue));
                }
                return true;
            }
            finally
            {
                Interlocked.Decrement(ref _pauseWaiters);
            }
        }
    }
}
