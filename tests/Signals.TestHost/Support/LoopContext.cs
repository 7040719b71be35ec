using System.Collections.Concurrent;

namespace Signals.TestHost.Support;

/// <summary>A single-threaded loop, like a UI thread: runs posted work in order on its own thread.</summary>
internal sealed class LoopContext : SynchronizationContext, IDisposable
{
    private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = new();
    private readonly Thread _thread;

    public LoopContext(string name)
    {
        _thread = new Thread(Loop) { Name = name, IsBackground = true };
        _thread.Start();
    }

    public override void Post(SendOrPostCallback d, object? state) => _queue.Add((d, state));

    /// <summary>Runs <paramref name="work"/> on the loop's thread (where Current is this context) and returns its result.</summary>
    public T Run<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(_ =>
        {
            try { done.SetResult(work()); }
            catch (Exception exception) { done.SetException(exception); }
        }, null);
        return done.Task.GetAwaiter().GetResult();
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
