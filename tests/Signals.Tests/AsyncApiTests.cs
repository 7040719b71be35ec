namespace Signals.Tests;

/// <summary>WaitAsync with a CancellationToken, ReadAllAsync (IAsyncEnumerable) and SignalCancellation.</summary>
[TestFixture, NonParallelizable]
public class AsyncApiTests
{
    private static readonly Signal Sig = Signal.SIGUSR2;

    [Test]
    public async Task WaitAsyncReturnsTheNextDelivery()
    {
        using var scope = new SignalScope(Sig);
        var wait = SignalEvents.WaitAsync(Sig);
        SignalSender.Kill(Environment.ProcessId, Sig);
        var e = await wait.WaitAsync(Poll.Deadline);
        Assert.That(e.Signal, Is.EqualTo(Sig));
    }

    [Test]
    public void WaitAsyncIsCancelledByItsToken()
    {
        using var cancel = new CancellationTokenSource();
        var wait = SignalEvents.WaitAsync([Sig, Signal.SIGUSR1], cancel.Token);
        cancel.Cancel();
        Assert.That(async () => await wait.WaitAsync(Poll.Deadline), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(SignalHandlers.Get(Sig).Kind, Is.EqualTo(SignalDispositionKind.Default), "its subscription went with it");
    }

    [Test]
    public async Task ReadAllAsyncStreamsEveryDeliveryUntilCancelled()
    {
        var signal = Signal.RealTime(2); // queued signals: none merged, delivered in order
        using var scope = new SignalScope(signal);
        using var cancel = new CancellationTokenSource(Poll.Deadline);
        var values = new List<long>();
        var started = new TaskCompletionSource();
        var reader = Task.Run(async () =>
        {
            var stream = SignalEvents.ReadAllAsync([signal], cancel.Token).GetAsyncEnumerator();
            var first = stream.MoveNextAsync(); // subscribes
            started.SetResult();
            if (await first)
            {
                do
                {
                    values.Add(stream.Current.Value);
                    if (values.Count == 3)
                        cancel.Cancel();
                } while (await stream.MoveNextAsync());
            }
            await stream.DisposeAsync();
        });
        await started.Task;
        Poll.Expect(() => SignalHandlers.Get(signal).SubscriptionCount == 2, "the stream's subscription");
        for (long value = 1; value <= 3; value++)
            SignalSender.Queue(Environment.ProcessId, signal, value);
        await reader.WaitAsync(Poll.Deadline); // ends without throwing once cancelled
        // Every value, but not necessarily in the order sent: the kernel may run the handlers of consecutive
        // deliveries on different threads of the process, which then write their records in either order.
        Assert.That(values, Is.EquivalentTo(new long[] { 1, 2, 3 }));
    }

    [Test]
    public void SignalCancellationTokenFiresOnTheSignal()
    {
        using var scope = new SignalScope(Sig);
        using var cancellation = new SignalCancellation(Sig, Signal.SIGUSR1);
        Assert.That(cancellation.Token.IsCancellationRequested, Is.False);
        SignalSender.Kill(Environment.ProcessId, Sig);
        Assert.That(cancellation.Token.WaitHandle.WaitOne(Poll.Deadline), Is.True);
        Assert.That(cancellation.Cause?.Signal, Is.EqualTo(Sig));
        Assert.That(cancellation.Cause?.SenderPid, Is.EqualTo(Environment.ProcessId));
    }

    /// <summary>
    /// Issue 20: the port of Go's TestNotifyContextStringer. It names its signals (in the order given, each once),
    /// and once cancelled the one that did it.
    /// </summary>
    [Test]
    public void SignalCancellationNamesItsSignals()
    {
        using var scope = new SignalScope(Sig);
        using var cancellation = new SignalCancellation(Sig, Signal.SIGUSR1, Sig);
        Assert.That(cancellation.Signals, Is.EqualTo(new[] { Sig, Signal.SIGUSR1 }));
        Assert.That(cancellation.ToString(), Is.EqualTo("SignalCancellation(SIGUSR2, SIGUSR1)"));
        SignalSender.Kill(Environment.ProcessId, Sig);
        Assert.That(cancellation.Token.WaitHandle.WaitOne(Poll.Deadline), Is.True);
        Assert.That(cancellation.ToString(), Is.EqualTo("SignalCancellation(SIGUSR2, SIGUSR1) cancelled by SIGUSR2"));
    }
}
