using System.Collections.Concurrent;

namespace Signals.Stress.Scenarios.Composition;

/// <summary>
/// The simplest SynchronizationContext a UI or an event loop would have: one thread runs posted work in order.
/// Created by the worker's main thread, so its thread has the mask the process started with.
/// </summary>
internal sealed class SingleThreadContext : SynchronizationContext
{
    private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = [];
    private readonly Thread _thread;

    public SingleThreadContext()
    {
        _thread = new Thread(Run) { Name = "R8 context", IsBackground = true };
        _thread.Start();
    }

    public override void Post(SendOrPostCallback d, object? state) => _queue.Add((d, state));

    public override void Send(SendOrPostCallback d, object? state)
    {
        if (Thread.CurrentThread == _thread)
        {
            d(state);
            return;
        }
        using var done = new ManualResetEventSlim();
        Post(s => { try { d(s); } finally { done.Set(); } }, state);
        done.Wait();
    }

    public override SynchronizationContext CreateCopy() => this;

    private void Run()
    {
        SetSynchronizationContext(this);
        foreach (var (callback, state) in _queue.GetConsumingEnumerable())
        {
            try { callback(state); }
            catch (Exception exception) { Console.Error.WriteLine($"R8 context: posted work threw: {exception}"); }
        }
    }
}
