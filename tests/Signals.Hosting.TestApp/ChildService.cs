using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Signals.Hosting;

namespace Signals.Hosting.TestApp;

/// <summary>Starts <c>sh -c SCRIPT</c> (its output goes to ours) and supervises it with <see cref="SignalChildren"/>.</summary>
internal sealed class ChildService(SignalChildren children, string script) : IHostedService, IDisposable
{
    private Process? _child;
    private IDisposable? _supervision;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        _child = Process.Start(start)!;
        _supervision = children.Supervise(_child);
        return Task.CompletedTask;
    }

    /// <summary>Runs after SignalChildren's wait (in the lifecycle's StoppingAsync): says whether the child is gone by then.
    /// Printed directly: the console logger's queue may print SignalChildren's own line later than this.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Console.WriteLine($"child-service stop-async: child exited={_child?.HasExited}");
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _supervision?.Dispose();
        _child?.Dispose();
    }
}
