// The package consumer: a fresh console app that references the Signals and Signals.Hosting packages
// from build/packages, as a user would. Exit status 0 only when every check held; otherwise it says which failed.
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Signals;
using Signals.Hosting;

var patience = TimeSpan.FromSeconds(30);
if (args is ["unsupported"])
    return await RunWithoutNativeLibrary();

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

// 3. `Consumer unsupported`, run by run.sh after it deleted libsignals.so from a published copy: what a user
// gets on a platform the package has no native library for. Every first use throws PlatformNotSupportedException
// naming the supported runtimes (never DllNotFoundException or TypeInitializationException), IsSupported says
// so beforehand, and a host with AddSignals still starts and stops on SIGTERM through ConsoleLifetime.
async Task<int> RunWithoutNativeLibrary()
{
    if (SignalEvents.IsSupported || SignalHandlers.IsSupported)
        return Fail("IsSupported is true without libsignals.so");
    var firstUses = new (string What, Action Use)[]
    {
        ("Signal.SIGUSR1.Name", () => _ = Signal.SIGUSR1.Name),
        ("Signal.Parse", () => Signal.Parse("USR1")),
        ("SignalEvents.Subscribe", () => SignalEvents.Subscribe(new Signal(10), _ => { }).Dispose()),
        ("SignalHandlers.Get", () => SignalHandlers.Get(new Signal(10))),
        ("SignalSender.Kill", () => SignalSender.Kill(Environment.ProcessId, new Signal(10))),
    };
    foreach (var (what, use) in firstUses)
    {
        try
        {
            use();
            return Fail($"{what} worked without libsignals.so");
        }
        catch (PlatformNotSupportedException e) when (e.Message.Contains("linux-x64, linux-arm64 and linux-musl-x64"))
        {
            Console.WriteLine($"{what}: PlatformNotSupportedException: {e.Message}");
        }
        catch (Exception e)
        {
            return Fail($"{what} threw {e.GetType()} instead of PlatformNotSupportedException naming the supported runtimes: {e}");
        }
    }

    var builder = Host.CreateApplicationBuilder();
    builder.Services.AddSignals();
    using var host = builder.Build();
    await host.StartAsync();
    Console.WriteLine("host started without libsignals.so");
    // SIGTERM from outside, by procps kill: ConsoleLifetime's PosixSignalRegistration must stop the host.
    using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", Environment.ProcessId.ToString()]))
        kill.WaitForExit();
    var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
    if (!stopping.WaitHandle.WaitOne(patience))
        return Fail($"SIGTERM did not stop the host within {patience.TotalSeconds} s");
    await host.StopAsync();
    Console.WriteLine("host stopped by SIGTERM (ConsoleLifetime)");
    Console.WriteLine("package consumer (unsupported): OK");
    return 0;
}

static int Fail(string why)
{
    Console.Error.WriteLine($"package consumer: FAILED: {why}");
    return 1;
}
