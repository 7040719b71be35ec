// A Kestrel app with AddSignals and a shutdown delay (the Kubernetes drain), for the hosting tests. It listens on
// 127.0.0.1 with a port the kernel picks and prints "ready pid=N url=URL" once started, "draining ..." when the
// ShutdownDraining event is raised, and "stopping" at ApplicationStopping.
// Arguments: --delay-ms N (ShutdownDelay)  --deadline-ms N (ShutdownDeadline)  --delay-on-interrupt
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Signals.Hosting;

int delayMs = int.Parse(ArgumentAfter("--delay-ms") ?? "0");
string? deadlineMs = ArgumentAfter("--deadline-ms");

var builder = WebApplication.CreateBuilder(args);
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(options => options.SingleLine = true);
builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.Services.AddSignals(options =>
{
    options.ShutdownDelay = TimeSpan.FromMilliseconds(delayMs);
    if (deadlineMs is not null)
        options.ShutdownDeadline = TimeSpan.FromMilliseconds(int.Parse(deadlineMs));
    options.DelayShutdownOnInterrupt = args.Contains("--delay-on-interrupt");
});

var app = builder.Build();
app.MapHealthChecks("/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
app.MapGet("/", () => "ok");
app.Services.GetRequiredService<SignalHostEvents>().ShutdownDraining += (_, e) =>
    Console.WriteLine($"draining {e.Signal.Signal} delay {e.Delay}");
app.Lifetime.ApplicationStarted.Register(() =>
{
    string url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    Console.WriteLine($"ready pid={Environment.ProcessId} url={url}");
});
app.Lifetime.ApplicationStopping.Register(() => Console.WriteLine("stopping"));
app.Run();
Console.WriteLine("host-run returned");
return 0;

string? ArgumentAfter(string name)
{
    int index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
