using Signals.Interop;

namespace Signals.Dispatch;

/// <summary>
/// The one thread that reads the native record pipe and runs callbacks, outside signal context.
/// It starts with every handleable signal blocked, so process-directed signals never interrupt it,
/// and sleeps in the pipe's read(2) between deliveries. A timer checks every
/// <see cref="TamperCheckInterval"/> that nobody (System.Native's restore paths) has overwritten our
/// handlers, reinstalling them when <see cref="SignalEvents.RepairTampering"/> is on.
/// </summary>
internal static class SignalDispatcher
{
    internal const string ThreadName = "Signals dispatcher";
    private static readonly TimeSpan TamperCheckInterval = TimeSpan.FromMilliseconds(200);

    private static Thread? _thread;
    private static Timer? _tamperCheck;
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
        _tamperCheck = new Timer(static _ => CheckTampering(), null, TamperCheckInterval, TamperCheckInterval);
    }

    // On a timer thread: an exception here would end the process, so it is reported instead.
    private static void CheckTampering()
    {
        try
        {
            if (SignalEvents.RepairTampering)
                SignalEvents.CheckTampering(repair: true);
        }
        catch (Exception exception)
        {
            Console.Error.WriteLine($"Signals: the periodic tamper check failed; it runs again in {TamperCheckInterval.TotalMilliseconds} ms. {exception.Message}");
        }
    }

    /// <summary>Stops the thread (waits for it unless called from it). Called with the Gate held.</summary>
    internal static void Stop()
    {
        var thread = _thread;
        if (thread is null)
            return;
        _tamperCheck?.Dispose();
        _tamperCheck = null;
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
            // Blocks in read(2) until records arrive; returns 0 for a wake (Stop) or a closed pipe.
            int count = Native.SignalsReadWait(ref records[0], records.Length, -1);
            for (int i = 0; i < count; i++)
                Dispatch(new SignalEvent(records[i]));
            if (count > 0)
                WakePauseWaiters();
            else if (count < 0)
                ReportReadFailure(-count);
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
