using System.Runtime.CompilerServices;
using Microsoft.Extensions.Hosting;

namespace Signals.Hosting.TestApp;

/// <summary>
/// A hosted service whose StopAsync blocks its thread for good (a synchronous wait, the kind of hang a thread stack
/// shows): only the shutdown deadline ends the process, and the stacks it writes must hold this StopAsync. With a
/// time, it blocks that long and returns (a slow shutdown that still ends in time).
/// </summary>
internal sealed class BlockingStopService(TimeSpan? blockFor = null) : IHostedService
{
    private readonly object _never = new();

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Console.WriteLine("blocking-stop-async waiting");
        lock (_never)
            Monitor.Wait(_never, blockFor ?? Timeout.InfiniteTimeSpan); // ignores the token on purpose
        Console.WriteLine("blocking-stop-async returned");
        return Task.CompletedTask;
    }
}
