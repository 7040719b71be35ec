namespace Signals.Tests;

/// <summary>The dispatcher's spin before sleeping: a setting with bounds, and delivery works at either end.</summary>
[TestFixture, NonParallelizable]
public class DispatcherSpinTests
{
    [TearDown]
    public void RestoreDefault() => SignalEvents.DispatcherSpin = TimeSpan.Zero; // the default since issue 11

    [Test]
    public void OutOfRangeValuesAreRefused()
    {
        Assert.That(() => SignalEvents.DispatcherSpin = TimeSpan.FromMicroseconds(-1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => SignalEvents.DispatcherSpin = TimeSpan.FromSeconds(2), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(SignalEvents.DispatcherSpin, Is.EqualTo(TimeSpan.Zero), "a refused value changes nothing");
    }

    [TestCase(0)]
    [TestCase(50)]
    [TestCase(20_000)]
    public void SignalsArriveWhateverTheSpin(int microseconds)
    {
        SignalEvents.DispatcherSpin = TimeSpan.FromMicroseconds(microseconds);
        long received = 0;
        using var subscription = SignalEvents.Subscribe(Signal.SIGUSR1, e => Interlocked.Add(ref received, e.Count));
        for (int i = 1; i <= 3; i++)
        {
            SignalSender.Kill(Environment.ProcessId, Signal.SIGUSR1);
            int expected = i;
            Poll.Expect(() => Interlocked.Read(ref received) == expected, $"delivery {i} with a {microseconds} µs spin");
        }
    }
}
