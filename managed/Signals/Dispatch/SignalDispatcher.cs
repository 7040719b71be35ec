using Signals.Interop;

namespace Signals.Dispatch;

/// <summary>
/// The one thread that reads the native record pipe and runs callbacks, outside signal context.
/// It starts with every handleable signal blocked, so process-directed signals never interrupt it,
/// and sleeps in the pipe's read between deliveries. When its wait times out on <see cref="TamperSchedule"/>
/// it checks that nobody (System.Native's restore paths) has overwritten our handlers, reinstalling them when
/// <see cref="SignalEvents.RepairTampering"/> is on: no timer, so an idle process has no other thread waking.
/// </summary>
internal static class SignalDispatcher
{
    internal const string ThreadName = "Signals dispatcher";

    private static Thread? _thread;
    private static volatile bool _stopping;
    private static long _dispatched;
    private static int _pauseWaiters;
    private static readonly object PauseGate = new();

    internal static bool IsDispatcherThread => Thread.CurrentThread == _thread;

    /// <summary>Total events dispatched, for <see cref="SignalEvents.Pause(TimeSpan)"/>.</summary>
    internal static long Dispatched => Interlocked.Read(ref _dispatched);

    /// <summary>Called with <see cref="SignalRegistry.Gate"/> held.</summary>
    internal static void EnsureRunning()
    {
        if (_thread is { IsAlive: true } && !_stopping)
            return;
        _thread?.Join();
        _stopping = false;
        RuntimeSignalHandling.EnsureInitialized();
        NativeResult.Check(Native.SignalsInit(), "Creating the signal pipe");
        _thread = new Thread(Run) { Name = ThreadName, IsBackground = true };
        _thread.Start();
    }

    // On the dispatcher: an exception here would end the process, so it is reported instead. Stop() joins this
    // thread with the Gate held, so the Gate is only tried: when busy, a subscription is changing, which makes
    // the check due again within TamperSchedule.Fast.
    private static void CheckTampering()
    {
        bool repaired = false;
        if (SignalEvents.RepairTampering && Monitor.TryEnter(SignalRegistry.Gate))
        {
            try
            {
                repaired = SignalEvents.CheckTampering(repair: true).Count > 0;
            }
            catch (Exception exception)
            {
                Console.Error.WriteLine($"Signals: the periodic tamper check failed; it runs again in {TamperSchedule.Fast.TotalMilliseconds} ms. {exception.Message}");
                repaired = true;
            }
            finally
            {
                Monitor.Exit(SignalRegistry.Gate);
            }
        }
        TamperSchedule.Checked(repaired);
    }

    /// <summary>Stops the thread (waits for it unless called from it). Called with the Gate held.</summary>
    internal static void Stop()
    {
        var thread = _thread;
        if (thread is null)
            return;
        _stopping = true;
        Native.SignalsWake();
        if (Thread.CurrentThread != thread)
            thread.Join();
        _thread = null;
    }

    private static void BlockHandleableSignals()
    {
        ulong mask = 0;
        foreach (var signal in Signal.ValidSignals)
            if (signal.CanBeHandled)
                mask |= 1UL << (signal.Number - 1);
        NativeResult.Check(Native.SignalsThreadMask(0, mask, out _), "Blocking signals on the dispatcher thread");
    }

    private static void Run()
    {
        BlockHandleableSignals();
        var records = new NativeRecord[256];
        while (!_stopping)
        {
            // Sleeps until records arrive or the tamper check is due; 0 for that, a wake (Stop) or a closed pipe.
            int count = Native.SignalsReadWait(ref records[0], records.Length, TamperSchedule.MillisecondsUntilDue());
            for (int i = 0; i < count; i++)
                Dispatch(new SignalEvent(records[i]));
            if (count > 0)
                WakePauseWaiters();
            else if (count < 0)
                ReportReadFailure(-count);
            if (TamperSchedule.IsDue())
                CheckTampering();
        }
    }

    // Not expected (the pipe is ours and valid while we run); say so, and do not spin on it.
    private static void ReportReadFailure(int errno)
    {
        Console.Error.WriteLine($"Signals: reading the signal pipe failed (errno {errno}); retrying in 100 ms.");
        Thread.Sleep(100);
    }

    private static void Dispatch(in SignalEvent signalEvent)
    {
        int number = signalEvent.Signal.Number;
        foreach (var subscription in SignalRegistry.For(number))
            subscription.Deliver(signalEvent);
        Interlocked.Increment(ref _dispatched);
    }

    private static void WakePauseWaiters()
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
