namespace Signals.Tests;

/// <summary>Bad input throws ArgumentOutOfRangeException / ArgumentException naming the signal and the reason.</summary>
[TestFixture, NonParallelizable]
public class ArgumentValidationTests
{
    [TestCase(9, "SIGKILL", "cannot be caught")]
    [TestCase(19, "SIGSTOP", "cannot be caught")]
    [TestCase(11, "SIGSEGV", "fault")]
    [TestCase(6, "SIGABRT", "fault")]
    [TestCase(34, "SIGRTMIN", "garbage collector")]
    public void ForbiddenSignalsAreRefusedWithTheirNameAndWhy(int number, string name, string why)
    {
        var signal = new Signal(number);
        var error = Assert.Throws<ArgumentException>(() => SignalEvents.Subscribe(signal, _ => { }))!;
        Assert.That(error.Message, Does.Contain(name).And.Contain(why));
        Assert.That(error.ParamName, Is.EqualTo("signals"));
        Assert.That(signal.CanBeHandled, Is.False);
        Assert.That(Assert.Throws<ArgumentException>(() => SignalHandlers.Set(signal, _ => { }))!.Message, Does.Contain(name));
        Assert.That(SignalHandlers.Get(signal).Kind, Is.Not.EqualTo(SignalDispositionKind.Managed));
    }

    [TestCase(0, "Signal 0 does not exist")]
    [TestCase(33, "reserves 32..SIGRTMIN-1")]
    [TestCase(65, "Signal 65 does not exist")]
    [TestCase(-1, "Signal -1 does not exist")]
    public void NumbersThatAreNoSignalAreOutOfRange(int number, string message)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Signal(number))!;
        Assert.That(error.Message, Does.Contain(message));
        Assert.That(error.ActualValue, Is.EqualTo(number));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = (Signal)number);
    }

    [Test]
    public void TheDefaultSignalValueIsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => SignalEvents.Subscribe(default(Signal), _ => { }))!;
        Assert.That(error.Message, Does.Contain("not a signal"));
        Assert.Throws<ArgumentException>(() => SignalSender.Kill(Environment.ProcessId, default));
    }

    [Test]
    public void RealTimeOffsetPastSigrtmaxIsOutOfRange()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Signal.RealTime(31))!;
        Assert.That(error.Message, Does.Contain("SIGRTMIN+31"));
    }

    [Test]
    public void EmptySignalListAndNullCallbackAreRefused()
    {
        Assert.Throws<ArgumentException>(() => SignalEvents.Subscribe(Array.Empty<Signal>(), _ => { }));
        Assert.Throws<ArgumentNullException>(() => SignalEvents.Subscribe(Signal.SIGUSR2, null!));
    }

    [Test]
    public void NegativeTimeoutsAreOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SignalEvents.Wait([Signal.SIGUSR2], TimeSpan.FromSeconds(-2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => SignalEvents.Pause(TimeSpan.FromSeconds(-2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => SignalMask.WaitBlocked([Signal.SIGUSR2], TimeSpan.FromSeconds(-2)));
    }

    /// <summary>
    /// Issue 20: ExitBySignal with a stop signal stopped the process and, after SIGCONT, exited 148; it is refused with
    /// the reason now (before it touches anything). StopBySignal takes only stop signals.
    /// </summary>
    [TestCase(20)]
    [TestCase(21)]
    [TestCase(22)]
    public void ExitBySignalRefusesAStopSignal(int number)
    {
        var signal = new Signal(number);
        var before = SignalHandlers.Get(signal).Kind;
        var refusal = Assert.Throws<ArgumentException>(() => SignalTermination.ExitBySignal(signal));
        Assert.That(refusal!.Message, Does.StartWith($"{signal} ({number}) stops the process instead of ending it").And.Contain("StopBySignal"));
        Assert.That(SignalHandlers.Get(signal).Kind, Is.EqualTo(before), "the disposition was left alone");
    }

    [Test]
    public void StopBySignalRefusesASignalThatDoesNotStop()
    {
        var refusal = Assert.Throws<ArgumentException>(() => SignalTermination.StopBySignal(Signal.SIGUSR1));
        Assert.That(refusal!.Message, Does.StartWith("SIGUSR1 (10) is not a stop signal"));
    }
}
