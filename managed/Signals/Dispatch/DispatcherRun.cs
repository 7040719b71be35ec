using Signals.Interop;

namespace Signals.Dispatch;

/// <summary>
/// One life of the dispatcher thread, with its own stop flag. <see cref="SignalEvents.Shutdown"/> stops the
/// current run and joins it outside <see cref="SignalRegistry.Gate"/>; a Subscribe that comes meanwhile (even
/// from a callback of the stopping run) starts a new run instead of waiting for the old one, which ends after
/// the batch it is dispatching.
/// </summary>
/// <remarks>
/// The thread keeps the signal mask it inherited from the thread that subscribed: it blocks nothing, so
/// callbacks, the threads they create (thread-pool workers included) and the processes they start get no
/// mask the application did not have. A signal that lands on it just runs the handler, and the read(2) it
/// sleeps in is restarted (SA_RESTART; the native reader also retries EINTR).
/// </remarks>
internal sealed class DispatcherRun
{
    private const int BatchSize = 256;
    private static readonly TimeSpan JoinWakeInterval = TimeSpan.FromMilliseconds(100);

    private readonly Thread _thread;
    private volatile bool _stopping;

    internal DispatcherRun()
    {
        _thread = new Thread(Run) { Name = SignalDispatcher.ThreadName, IsBackground = true };
    }

    /// <summary>Whether this run is still the one that should be reading.</summary>
    internal bool IsActive => !_stopping && _thread.IsAlive;

    /// <summary>
    /// Starts the thread, or throws InvalidOperationException that says the dispatcher thread could not be created
    /// and why. The runtime reports a failed pthread_create as a bare OutOfMemoryException, while the usual cause is
    /// clone(2)'s EAGAIN: the user's RLIMIT_NPROC (processes and threads of the uid) or kernel.threads-max reached.
    /// Called before anything is installed, so a failure leaves no subscription and no action behind.
    /// </summary>
    internal void Start()
    {
        try
        {
            _thread.Start();
        }
        catch (OutOfMemoryException exception)
        {
            throw new InvalidOperationException($"Signals could not start its dispatcher thread (\"{SignalDispatcher.ThreadName}\"): " +
                "the system refused to create a thread (clone: EAGAIN, the limit of processes and threads for this user, " +
                "RLIMIT_NPROC, or kernel.threads-max reached, or no memory for its stack). Nothing was subscribed; a later " +
                "Subscribe tries again.", exception);
        }
    }

    /// <summary>Asks the thread to end after its current batch, and wakes it if it sleeps in read(2).</summary>
    internal void RequestStop()
    {
        _stopping = true;
        Native.SignalsWake();
    }

    /// <summary>
    /// Waits for the thread to end. Never call it on that thread, nor with the Gate held (a callback in
    /// flight may be waiting for the Gate). Wakes it again now and then: a wake that comes between its last
    /// look at the stop flag and the start of its next wait is not seen by that wait (only a wake during a
    /// wait ends it), and the wake channel may have been closed and made anew meanwhile.
    /// </summary>
    internal void Join()
    {
        while (!_thread.Join(JoinWakeInterval))
            Native.SignalsWake();
    }

    private void Run()
    {
        SignalDispatcher.MarkDispatcherThread();
        var records = new NativeRecord[BatchSize];
        while (!_stopping)
        {
            // Sleeps until records arrive; does the clean tamper checks itself (native/src/check_schedule.c),
            // so an idle process runs none of this loop. 0 for a wake (RequestStop), a closed channel, or a check
            // that found something for TamperGuard to repair.
            int count = Native.SignalsReadWaitChecked(ref records[0], records.Length);
            for (int i = 0; i < count; i++)
                SignalDispatcher.Dispatch(records[i]);
            if (count > 0)
                SignalDispatcher.WakePauseWaiters();
            else if (count < 0)
                ReportReadFailure(-count);
            if (!_stopping && Native.SignalsCheckDue() != 0)
                TamperGuard.CheckPeriodically();
        }
    }

    // Not expected (the ring and the channel are ours); say so, and do not spin on it.
    private static void ReportReadFailure(int errno)
    {
        StandardErrorReport.Write($"reading signal records failed (errno {errno}); retrying in 100 ms.");
        Thread.Sleep(100);
    }
}
