using Signals.Interop;

namespace Signals.Dispatch;

/// <summary>
/// Runs the thread ("Signals dispatcher", one <see cref="DispatcherRun"/> at a time) that reads the native
/// record pipe and hands each record to the subscriptions of its signal, outside signal context. Nothing
/// that arrives through the pipe can end it: a record that names no signal is dropped and counted, and an
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
        NativeResult.Check(Native.SignalsInit(), "Creating the signal pipe");
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

    /// <summary>Hands one record to the subscriptions of its signal. Never throws.</summary>
    internal static void Dispatch(in NativeRecord record)
    {
        // Only the handler writes the pipe, but another process of the same uid can open it through
        // /proc/<pid>/fd: a record that names no signal must not reach new Signal(...), which throws.
        if (!Signal.IsDefined(record.Signo))
        {
            Drop(record);
            return;
        }
        try
        {
            var signalEvent = new SignalEvent(record);
            SignalsMeter.Dispatched(signalEvent);
            foreach (var subscription in SignalRegistry.For(record.Signo))
                subscription.Deliver(signalEvent);
        }
        catch (Exception exception)
        {
            // Deliver reports callback and hand-off failures itself; this is for anything else, so that one
            // record never ends the dispatcher (and with it the process).
            StandardErrorReport.Write($"dispatching a record of signal {record.Signo} failed; the dispatcher goes on.", exception);
        }
        Interlocked.Increment(ref _dispatched);
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
