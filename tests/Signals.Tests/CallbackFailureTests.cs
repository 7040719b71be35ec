namespace Signals.Tests;

/// <summary>A throwing callback: reported through CallbackFailed, never swallowed, never fatal to the dispatcher.</summary>
[TestFixture, NonParallelizable]
public class CallbackFailureTests
{
    private static readonly Signal Sig = Signal.SIGUSR2;

    [Test]
    public void AThrowingCallbackIsReportedAndDeliveryGoesOn()
    {
        using var scope = new SignalScope(Sig);
        var failures = new System.Collections.Concurrent.ConcurrentQueue<SignalCallbackFailedEventArgs>();
        EventHandler<SignalCallbackFailedEventArgs> onFailure = (_, e) => failures.Enqueue(e);
        SignalEvents.CallbackFailed += onFailure;
        try
        {
            int calls = 0, neighbour = 0;
            using var thrower = SignalEvents.Subscribe(Sig, _ =>
            {
                if (Interlocked.Increment(ref calls) == 1)
                    throw new InvalidTimeZoneException("boom from the callback");
            });
            using var other = SignalEvents.Subscribe(Sig, _ => Interlocked.Increment(ref neighbour));
            SignalSender.Kill(Environment.ProcessId, Sig);
            Poll.Expect(() => !failures.IsEmpty, "the CallbackFailed event");
            Poll.Expect(() => Volatile.Read(ref neighbour) == 1, "the other subscriber, same delivery");
            SignalSender.Kill(Environment.ProcessId, Sig);
            Poll.Expect(() => Volatile.Read(ref calls) == 2 && Volatile.Read(ref neighbour) == 2, "the next delivery");
            Assert.That(failures, Has.Count.EqualTo(1));
            failures.TryPeek(out var failure);
            Assert.That(failure!.Exception, Is.InstanceOf<InvalidTimeZoneException>().With.Message.EqualTo("boom from the callback"));
            Assert.That(failure.Subscription, Is.SameAs(thrower));
            Assert.That(failure.Event.Signal, Is.EqualTo(Sig));
        }
        finally
        {
            SignalEvents.CallbackFailed -= onFailure;
        }
    }

    [Test]
    public void WithoutAHandlerTheFailureGoesToStandardErrorAndTheDispatcherLives()
    {
        using var scope = new SignalScope(Sig);
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        try
        {
            int calls = 0;
            using var thrower = SignalEvents.Subscribe(Sig, _ =>
            {
                Interlocked.Increment(ref calls);
                throw new InvalidTimeZoneException("unhandled boom");
            });
            SignalSender.Kill(Environment.ProcessId, Sig);
            Poll.Expect(() => error.ToString().Contains("unhandled boom"), "the report on standard error");
            SignalSender.Kill(Environment.ProcessId, Sig);
            Poll.Expect(() => Volatile.Read(ref calls) == 2, "a second delivery");
            Assert.That(error.ToString(), Does.Contain("SIGUSR2"));
        }
        finally
        {
            Console.SetError(previous);
        }
    }
}
