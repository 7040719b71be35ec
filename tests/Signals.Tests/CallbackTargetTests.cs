namespace Signals.Tests;

/// <summary>Where callbacks run: the named dispatcher thread, the ThreadPool, a SynchronizationContext.</summary>
[TestFixture, NonParallelizable]
public class CallbackTargetTests
{
    private static readonly Signal Sig = Signal.SIGUSR2;

    private static T RunOnCallback<T>(Func<T> probe, SubscriptionOptions? options = null)
    {
        using var scope = new SignalScope(Sig);
        var seen = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = SignalEvents.Subscribe(Sig, _ => seen.TrySetResult(probe()), options);
        SignalSender.Kill(Environment.ProcessId, Sig);
        return Poll.Result(seen.Task, "the callback");
    }

    [Test]
    public void DefaultTargetIsTheNamedDispatcherThread()
    {
        var (name, pool, background) = RunOnCallback(() =>
            (Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread, Thread.CurrentThread.IsBackground));
        Assert.That(name, Is.EqualTo("Signals dispatcher"));
        Assert.That(pool, Is.False);
        Assert.That(background, Is.True, "it must not keep the process alive");
    }

    // Issue 10, item 2: a blocked mask on the dispatcher leaked into callbacks, the threads they created and the
    // processes they started. The dispatcher now keeps the mask it inherited: none in this process.
    [Test]
    public void DispatcherThreadBlocksNothing()
    {
        var mask = RunOnCallback(() => SignalMask.Current);
        Assert.That(mask, Is.Empty);
    }

    [Test]
    public void ThreadPoolTargetRunsOnThePool()
    {
        var (name, pool) = RunOnCallback(() => (Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread),
            new SubscriptionOptions { Target = CallbackTarget.ThreadPool });
        Assert.That(pool, Is.True);
        Assert.That(name, Is.Not.EqualTo("Signals dispatcher"));
    }

    [Test]
    public void SynchronizationContextTargetPostsToTheCapturedContext()
    {
        using var context = new RecordingContext();
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(context);
        try
        {
            var (current, threadName) = RunOnCallback(() => (SynchronizationContext.Current, Thread.CurrentThread.Name),
                new SubscriptionOptions { Target = CallbackTarget.SynchronizationContext });
            Assert.That(current, Is.SameAs(context));
            Assert.That(threadName, Is.EqualTo(RecordingContext.ThreadName));
            Assert.That(context.Posts, Is.GreaterThanOrEqualTo(1));
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    [Test]
    public void SynchronizationContextTargetWithoutAContextIsRefused()
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            Assert.Throws<InvalidOperationException>(() =>
                SignalEvents.Subscribe(Sig, _ => { }, new SubscriptionOptions { Target = CallbackTarget.SynchronizationContext }));
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    /// <summary>A single-threaded loop, like a UI thread: runs posted work on its own named thread.</summary>
    private sealed class RecordingContext : SynchronizationContext, IDisposable
    {
        public const string ThreadName = "test loop";
        private readonly System.Collections.Concurrent.BlockingCollection<(SendOrPostCallback, object?)> _queue = new();
        private readonly Thread _thread;
        private int _posts;

        public RecordingContext()
        {
            _thread = new Thread(Loop) { Name = ThreadName, IsBackground = true };
            _thread.Start();
        }

        public int Posts => Volatile.Read(ref _posts);

        public override void Post(SendOrPostCallback d, object? state)
        {
            Interlocked.Increment(ref _posts);
            _queue.Add((d, state));
        }

        private void Loop()
        {
            SetSynchronizationContext(this);
            foreach (var (callback, state) in _queue.GetConsumingEnumerable())
                callback(state);
        }

        public void Dispose()
        {
            _queue.CompleteAdding();
            _thread.Join();
        }
    }
}
