using System.Diagnostics;
using Signals.Interop;

namespace Signals.Dispatch;

/// <summary>
/// When the dispatcher next checks for overwritten handlers. The dispatcher sleeps in its own read of the
/// record pipe with <see cref="MillisecondsUntilDue"/> as the timeout and checks when it is due, so an idle
/// process has no timer and no thread-pool thread waking up. The interval adapts: <see cref="Fast"/> right
/// after a subscription changes or a repair (when System.Native's restore paths are most likely to run: a
/// PosixSignalRegistration made around our subscriptions being disposed), doubling after each clean check up
/// to <see cref="Slow"/>. The dispatcher reads it, any thread may <see cref="Reset"/> it.
/// </summary>
internal static class TamperSchedule
{
    /// <summary>The interval after a change or a repair.</summary>
    internal static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The longest interval, reached about 100 s after the last change. An idle process holding
    /// PosixSignalRegistrations wakes about once in 10 s (the runtime's finalizer thread), and on the 2-core VM
    /// every wake-up of a thread that slept for seconds costs about the same, 0.5-0.8 ms of CPU, whatever it
    /// runs (a bare C poll(2) loop included; bench/results/profile.md): one check every 60 s keeps an idle
    /// process within about 1.3x of that (every 30 s measured 1.45-1.6x).
    /// </summary>
    internal static readonly TimeSpan Slow = TimeSpan.FromSeconds(60);

    // Milliseconds on CLOCK_MONOTONIC, the clock poll(2) sleeps on. Not Environment.TickCount64: that coarse clock
    // lags poll's wake-up by up to a few milliseconds, and the dispatcher would spin with 0 timeouts meanwhile.
    private static long NowMs => Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1000);

    private static readonly object Sync = new(); // uncontended: one dispatcher, rare changes
    private static long _intervalMs = (long)Fast.TotalMilliseconds;
    private static long _dueMs = NowMs + _intervalMs;
    private static long _sleepingUntilMs = long.MaxValue; // when the dispatcher's current wait ends at the latest

    /// <summary>The dispatcher's timeout for its next wait (0 when a check is due). Called on the dispatcher.</summary>
    internal static int MillisecondsUntilDue()
    {
        lock (Sync)
        {
            _sleepingUntilMs = _dueMs;
            return (int)Math.Clamp(_dueMs - NowMs, 0, int.MaxValue);
        }
    }

    /// <summary>Whether a check is due now. Called on the dispatcher after each wait.</summary>
    internal static bool IsDue()
    {
        lock (Sync)
            return NowMs >= _dueMs;
    }

    /// <summary>After a check: back off (doubling up to <see cref="Slow"/>), or back to <see cref="Fast"/> if it repaired something.</summary>
    internal static void Checked(bool repaired)
    {
        if (repaired)
        {
            Reset();
            return;
        }
        lock (Sync)
        {
            _intervalMs = Math.Min(_intervalMs * 2, (long)Slow.TotalMilliseconds);
            _dueMs = NowMs + _intervalMs;
        }
    }

    /// <summary>
    /// Back to <see cref="Fast"/>: a subscription changed or a handler was repaired. A due time already
    /// nearer stays (frequent changes never postpone the check). Wakes the dispatcher when its current wait
    /// would end later than the new due time (a signo-0 record; nothing happens when no pipe is open).
    /// </summary>
    internal static void Reset()
    {
        bool wake;
        lock (Sync)
        {
            _intervalMs = (long)Fast.TotalMilliseconds;
            _dueMs = Math.Min(_dueMs, NowMs + _intervalMs);
            wake = _sleepingUntilMs > _dueMs;
            if (wake)
                _sleepingUntilMs = _dueMs; // one wake is enough: the dispatcher recomputes its timeout
        }
        if (wake)
            Native.SignalsWake();
    }
}
