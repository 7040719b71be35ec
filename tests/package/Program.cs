// The package consumer: a fresh console app that references the Signals and Signals.Hosting packages
// from build/packages, as a user would. Exit status 0 only when every check held; otherwise it says which failed.
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Signals;
using Signals.Hosting;

var patience = TimeSpan.FromSeconds(30);

// 1. Signals: a sigqueue round trip to ourselves, value included.
const long value = 4242;
var received = new TaskCompletionSource<SignalEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
using (SignalEvents.Subscribe(Signal.SIGUSR1, e => received.TrySetResult(e)))
{
    SignalSender.Queue(Environment.ProcessId, Signal.SIGUSR1, value);
    if (!received.Task.Wait(patience))
        return Fail($"no SIGUSR1 within {patience.TotalSeconds} s");
}
var e = received.Task.Result;
Console.WriteLine($"received {e.Signal} from pid {e.SenderPid} value {e.Value} code {e.Code}");
if (e.Signal != Signal.SIGUSR1 || e.Value != value || e.SenderPid != Environment.ProcessId || e.Code != SignalCode.Queue)
    return Fail($"expected SIGUSR1 from pid {Environment.ProcessId} with value {value} (Queue)");

// 2. Signals.Hosting: a Host with AddSignals reloads its configuration on SIGHUP.
string settings = Path.Combine(AppContext.BaseDirectory, "consumer-settings.json");
File.WriteAllText(settings, """{ "Greeting": "before" }""");
var builder = Host.CreateApplicationBuilder(args);
builder.Configuration.AddJsonFile(settings, optional: false, reloadOnChange: false);
builder.Services.AddSignals();
using var host = builder.Build();
var reloaded = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
host.Services.GetRequiredService<SignalHostEvents>().ConfigurationReloaded += (_, args) => reloaded.TrySetResult(args.Configuration["Greeting"]);
await host.StartAsync();
File.WriteAllText(settings, """{ "Greeting": "after" }""");
SignalSender.Kill(Environment.ProcessId, Signal.SIGHUP);
if (!reloaded.Task.Wait(patience))
    return Fail($"no configuration reload within {patience.TotalSeconds} s of SIGHUP");
Console.WriteLine($"reloaded Greeting={reloaded.Task.Result}");
if (reloaded.Task.Result != "after")
    return Fail("the reload did not see the new value");
await host.StopAsync();

Console.WriteLine("package consumer: OK");
return 0;

static int Fail(string why)
{
    Console.Error.WriteLine($"package consumer: FAILED: {why}");
    return 1;
}
