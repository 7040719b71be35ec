using Signals.Interop;

namespace Signals;

/// <summary>Python's <c>alarm</c>, <c>setitimer</c> and <c>getitimer</c>, with <see cref="TimeSpan"/>.</summary>
public static class SignalTimers
{
    /// <summary>
    /// Schedules SIGALRM after <paramref name="delay"/> (whole seconds, rounded up; zero cancels).
    /// Returns the time that was left on the previous alarm (zero if none).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The delay is negative or too large.</exception>
    public static TimeSpan Alarm(TimeSpan delay)
    {
        if (delay < TimeSpan.Zero || delay.TotalSeconds > uint.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(delay), delay, "An alarm delay must be 0 (cancel) up to uint.MaxValue seconds.");
        uint seconds = (uint)Math.Ceiling(delay.TotalSeconds);
        return TimeSpan.FromSeconds(Native.SignalsAlarm(seconds));
    }

    /// <summary>
    /// Arms <paramref name="timer"/> to fire after <paramref name="value"/>, then every <paramref name="interval"/>
    /// (zero: once). A zero value disarms it. Returns the previous (value, interval).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A time is negative, or the timer kind is unknown.</exception>
    public static (TimeSpan Value, TimeSpan Interval) SetIntervalTimer(IntervalTimer timer, TimeSpan value, TimeSpan interval = default)
    {
        if (value < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(value), value, "A timer value cannot be negative.");
        if (interval < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "A timer interval cannot be negative.");
        CheckKind(timer);
        NativeResult.Check(Native.SignalsSetitimer((int)timer, ToMicroseconds(value), ToMicroseconds(interval),
            out long oldValue, out long oldInterval), $"Setting the {timer} interval timer");
        return (TimeSpan.FromMicroseconds(oldValue), TimeSpan.FromMicroseconds(oldInterval));
    }

    /// <summary>The time left on <paramref name="timer"/> and its interval.</summary>
    public static (TimeSpan Value, TimeSpan Interval) GetIntervalTimer(IntervalTimer timer)
    {
        CheckKind(timer);
        NativeResult.Check(Native.SignalsGetitimer((int)timer, out long value, out long interval), $"Reading the {timer} interval timer");
        return (TimeSpan.FromMicroseconds(value), TimeSpan.FromMicroseconds(interval));
    }

    // A timer set to less than a microsecond would be disarmed: round sub-microsecond values up.
    private static long ToMicroseconds(TimeSpan time) =>
        time == TimeSpan.Zero ? 0 : Math.Max(1, (long)Math.Ceiling(time.Ticks / 10.0));

    private static void CheckKind(IntervalTimer timer)
    {
        if (!Enum.IsDefined(timer))
            throw new ArgumentOutOfRangeException(nameof(timer), timer, "Use IntervalTimer.Real, Virtual or Profiling.");
    }
}
