namespace Signals.Tests;

/// <summary>Python's alarm, setitimer and getitimer, with real SIGALRM deliveries.</summary>
[TestFixture, NonParallelizable]
public class SignalTimersTests
{
    [TearDown]
    public void Disarm()
    {
        SignalTimers.Alarm(TimeSpan.Zero);
        SignalTimers.SetIntervalTimer(IntervalTimer.Real, TimeSpan.Zero);
        SignalTimers.SetIntervalTimer(IntervalTimer.Virtual, TimeSpan.Zero);
    }

    [Test]
    public void AlarmDeliversSigalrmFromTheKernel()
    {
        using var scope = new SignalScope(Signal.SIGALRM);
        var received = new TaskCompletionSource<SignalEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = SignalEvents.Subscribe(Signal.SIGALRM, e => received.TrySetResult(e));
        Assert.That(SignalTimers.Alarm(TimeSpan.FromSeconds(1)), Is.EqualTo(TimeSpan.Zero), "no alarm was pending");
        var e = Poll.Result(received.Task, "SIGALRM");
        Assert.That(e.Signal, Is.EqualTo(Signal.SIGALRM));
        Assert.That(e.Code, Is.EqualTo(SignalCode.Kernel));
        Assert.That(e.SenderPid, Is.Zero);
    }

    [Test]
    public void AlarmReturnsWhatWasLeftOnThePreviousOne()
    {
        SignalTimers.Alarm(TimeSpan.FromSeconds(100));
        var left = SignalTimers.Alarm(TimeSpan.Zero);
        Assert.That(left, Is.InRange(TimeSpan.FromSeconds(70), TimeSpan.FromSeconds(100)));
    }

    [Test]
    public void IntervalTimerRoundTrips()
    {
        var previous = SignalTimers.SetIntervalTimer(IntervalTimer.Real, TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(5));
        Assert.That(previous, Is.EqualTo((TimeSpan.Zero, TimeSpan.Zero)));
        var (value, interval) = SignalTimers.GetIntervalTimer(IntervalTimer.Real);
        Assert.That(value, Is.InRange(TimeSpan.FromSeconds(70), TimeSpan.FromSeconds(100)));
        Assert.That(interval, Is.EqualTo(TimeSpan.FromSeconds(5)));
        previous = SignalTimers.SetIntervalTimer(IntervalTimer.Real, TimeSpan.Zero);
        Assert.That(previous.Interval, Is.EqualTo(TimeSpan.FromSeconds(5)));
        Assert.That(previous.Value, Is.GreaterThan(TimeSpan.Zero));
        Assert.That(SignalTimers.GetIntervalTimer(IntervalTimer.Real), Is.EqualTo((TimeSpan.Zero, TimeSpan.Zero)));
    }

    [Test]
    public void VirtualTimerRoundTrips()
    {
        SignalTimers.SetIntervalTimer(IntervalTimer.Virtual, TimeSpan.FromSeconds(1000));
        var (value, interval) = SignalTimers.GetIntervalTimer(IntervalTimer.Virtual);
        // The kernel keeps CPU-time timers in ticks and may round the value up by one.
        Assert.That(value, Is.InRange(TimeSpan.FromSeconds(900), TimeSpan.FromSeconds(1001)));
        Assert.That(interval, Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public void IntervalTimerDeliversRepeatedly()
    {
        using var scope = new SignalScope(Signal.SIGALRM);
        long received = 0;
        using var subscription = SignalEvents.Subscribe(Signal.SIGALRM, e => Interlocked.Add(ref received, e.Count));
        SignalTimers.SetIntervalTimer(IntervalTimer.Real, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(20));
        Poll.Expect(() => Interlocked.Read(ref received) >= 3, "three SIGALRMs from the interval timer");
        SignalTimers.SetIntervalTimer(IntervalTimer.Real, TimeSpan.Zero);
    }

    [Test]
    public void NegativeTimesAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SignalTimers.Alarm(TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => SignalTimers.SetIntervalTimer(IntervalTimer.Real, TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => SignalTimers.GetIntervalTimer((IntervalTimer)7));
    }
}
