using Microsoft.Extensions.Hosting;

namespace Signals.Hosting.TestApp;

/// <summary>Prints "ready" once the host has started, and marks its StopAsync (optionally hanging in it).</summary>
internal sealed class MarkerService(IHostApplicationLifetime lifetime, bool hangOnStop) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => Console.WriteLine($"ready pid={Environment.ProcessId}"));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (hangOnStop)
        {
            Console.WriteLine("stop-async hanging");
            // Ignores the host's token on purpose: a shutdown that never ends, which only the deadline can end.
            await Task.Delay(Timeout.InfiniteTimeSpan, CancellationToken.None);
        }
        Console.WriteLine("stop-async ran");
    }
}
