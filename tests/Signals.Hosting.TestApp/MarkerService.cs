using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Signals.Hosting.TestApp;

/// <summary>
/// Prints "ready" once the host has started, and marks its StopAsync (optionally hanging in it). With a marker
/// file, each marker is appended there first. With a start gate, StartAsync prints "starting" and waits for that file: a test whose child writes into a pipe nobody reads learns of them
/// that way. With <c>flood</c>, it fills stdout, stderr and the console logger's queue without end once started.
/// </summary>
internal sealed class MarkerService(IHostApplicationLifetime lifetime, ILogger<MarkerService> logger, bool hangOnStop, string? markerFile, bool flood,
    string? startGate = null)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (startGate is not null)
        {
            // A slow start that the test ends: "starting" now, and the start goes on once the gate file exists.
            Mark($"starting pid={Environment.ProcessId}");
            while (!File.Exists(startGate))
                await Task.Delay(20, cancellationToken);
        }
        lifetime.ApplicationStarted.Register(() =>
        {
            Mark($"ready pid={Environment.ProcessId}");
            if (flood)
                Flood();
        });
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (hangOnStop)
        {
            Mark("stop-async hanging");
            // Ignores the host's token on purpose: a shutdown that never ends, which only the deadline can end.
            await Task.Delay(Timeout.InfiniteTimeSpan, CancellationToken.None);
        }
        Mark("stop-async ran");
    }

    private void Mark(string marker)
    {
        if (markerFile is not null)
            File.AppendAllText(markerFile, marker + Environment.NewLine);
        Console.WriteLine(marker);
    }

    // Three writers that block for good once their pipe (or the logger's queue) is full: nobody reads.
    private void Flood()
    {
        string line = new('x', 200);
        Start("stdout flood", () => Console.Out.WriteLine(line));
        Start("stderr flood", () => Console.Error.WriteLine(line));
        Start("logger flood", () => logger.LogInformation("flood {Line}", line));
    }

    private static void Start(string name, Action write)
    {
        var thread = new Thread(() =>
        {
            while (true)
                write();
        })
        { Name = name, IsBackground = true };
        thread.Start();
    }
}
