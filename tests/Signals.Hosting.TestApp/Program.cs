// A Generic Host with AddSignals, for the hosting tests. It writes one marker line per observable step on
// standard output ("ready", "reloaded Greeting=...", "stop-async ...") beside the host's single-line logs.
// Arguments: --config FILE  --deadline-ms N (else AddSignals' own rule)  --host-shutdown-timeout-ms N (HostOptions; else 5 min)
//            --hang-on-stop  --leave-termination-to-console-lifetime  --second-signal ExitNow|KeepWaiting
//            --systemd-lifetime (what UseSystemd() registers under systemd)  --reload-uids U,U  --stop-verified-only  --diagnostics-pids P,P
//            --start-gate FILE (StartAsync prints "starting pid=N" and waits until FILE exists)
//            --unhealthy-while FILE (a health check that is Unhealthy while FILE exists)
//            --child SCRIPT (a supervised child, sh -c SCRIPT, started at start: SignalChildren)
//            --reload-interval-ms N  --diagnostics-interval-ms N (the rate limits)
//            --marker-file FILE (markers appended there too)  --flood-output (fill stdout, stderr and the logger once started)
//            --signal-diagnostics (AddSignalDiagnostics: thread stacks on SIGQUIT and at the deadline)  --known-threads (KnownThreads)
//            --block-on-stop (BlockingStopService: a StopAsync that blocks its thread)  --block-on-stop-ms N (for N ms only)
//            --thread-stacks-signal NAME  --thread-stacks-pids P,P
//            --dump-signal NAME --dump-dir DIR --dump-max N --dump-type Mini|WithHeap|Triage|Full (with --signal-diagnostics)
//            --not-dumpable (prctl PR_SET_DUMPABLE 0: the kernel refuses ptrace from processes without CAP_SYS_PTRACE)
using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Signals;
using Signals.Diagnostics;
using Signals.Hosting;
using Signals.Hosting.TestApp;

string configFile = ArgumentAfter("--config") ?? throw new ArgumentException("--config FILE is required");
string? deadlineMs = ArgumentAfter("--deadline-ms");
int hostShutdownTimeoutMs = int.Parse(ArgumentAfter("--host-shutdown-timeout-ms") ?? "300000");
string? secondSignal = ArgumentAfter("--second-signal");
string? reloadUids = ArgumentAfter("--reload-uids");
string? diagnosticsPids = ArgumentAfter("--diagnostics-pids");
bool stopVerifiedOnly = args.Contains("--stop-verified-only");
bool systemdLifetime = args.Contains("--systemd-lifetime");
bool hangOnStop = args.Contains("--hang-on-stop");
bool leaveTermination = args.Contains("--leave-termination-to-console-lifetime");
string? markerFile = ArgumentAfter("--marker-file");
bool flood = args.Contains("--flood-output");
string? startGate = ArgumentAfter("--start-gate");
string? unhealthyWhile = ArgumentAfter("--unhealthy-while");
string? childScript = ArgumentAfter("--child");
string? reloadIntervalMs = ArgumentAfter("--reload-interval-ms");
string? diagnosticsIntervalMs = ArgumentAfter("--diagnostics-interval-ms");
bool signalDiagnostics = args.Contains("--signal-diagnostics");
bool blockOnStop = args.Contains("--block-on-stop");
string? threadStacksSignal = ArgumentAfter("--thread-stacks-signal");
if (args.Contains("--not-dumpable") && Prctl(4 /* PR_SET_DUMPABLE */, 0, 0, 0, 0) != 0)
    throw new InvalidOperationException($"prctl(PR_SET_DUMPABLE, 0) failed: errno {Marshal.GetLastPInvokeError()}");
if (args.Contains("--known-threads"))
    KnownThreads.Start();

// A probe on the runtime's own signal path, created before the host: it prints when the runtime's
// handler (the one ConsoleLifetime listens to) sees SIGTERM. It does not cancel, and ConsoleLifetime does.
using var runtimeProbe = PosixSignalRegistration.Create(PosixSignal.SIGTERM,
    _ => Console.WriteLine("runtime-handler saw SIGTERM"));

var builder = Host.CreateApplicationBuilder(args);
// reloadOnChange: false, so only SIGHUP can make a changed file visible.
builder.Configuration.AddJsonFile(configFile, optional: false, reloadOnChange: false);
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(options => options.SingleLine = true);
// By default long enough that the host's own timeout never ends a hanging StopAsync before our deadline does.
builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromMilliseconds(hostShutdownTimeoutMs));
// UseSystemd() registers these only when systemd started the process (its parent is systemd, or it is pid 1 with
// NOTIFY_SOCKET set), which a test cannot arrange: register the same two services directly.
if (systemdLifetime)
{
    builder.Services.AddSingleton<ISystemdNotifier, SystemdNotifier>();
    builder.Services.AddSingleton<IHostLifetime, SystemdLifetime>();
}
builder.Services.AddSignals(options =>
{
    if (deadlineMs is not null)
        options.ShutdownDeadline = TimeSpan.FromMilliseconds(int.Parse(deadlineMs));
    if (secondSignal is not null)
        options.SecondSignal = Enum.Parse<SecondSignalBehavior>(secondSignal);
    if (reloadUids is not null)
        options.Reload.AllowedUids = [.. reloadUids.Split(',').Select(uint.Parse)];
    if (diagnosticsPids is not null)
        options.Diagnostics.AllowedPids = [.. diagnosticsPids.Split(',').Select(int.Parse)];
    if (reloadIntervalMs is not null)
        options.ReloadMinimumInterval = TimeSpan.FromMilliseconds(int.Parse(reloadIntervalMs));
    if (diagnosticsIntervalMs is not null)
        options.DiagnosticsMinimumInterval = TimeSpan.FromMilliseconds(int.Parse(diagnosticsIntervalMs));
    options.Stop.VerifiedSendersOnly = stopVerifiedOnly;
    options.HandleTermination = !leaveTermination;
    if (threadStacksSignal is not null)
        options.ThreadStacksSignal = Signal.Parse(threadStacksSignal);
    if (ArgumentAfter("--thread-stacks-pids") is { } threadStacksPids)
        options.ThreadStacks.AllowedPids = [.. threadStacksPids.Split(',').Select(int.Parse)];
});
if (unhealthyWhile is not null)
    builder.Services.AddHealthChecks().AddCheck("test-file", () => File.Exists(unhealthyWhile)
        ? Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy($"{unhealthyWhile} exists")
        : Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy());
if (childScript is not null)
    builder.Services.AddHostedService(provider => new ChildService(provider.GetRequiredService<SignalChildren>(), childScript));
string? dumpSignal = ArgumentAfter("--dump-signal");
if (signalDiagnostics)
    builder.Services.AddSignalDiagnostics(options =>
    {
        if (dumpSignal is null)
            return;
        options.DumpSignal = Signal.Parse(dumpSignal);
        options.Dump.Directory = ArgumentAfter("--dump-dir") ?? throw new ArgumentException("--dump-signal needs --dump-dir DIR");
        options.Dump.MaxFiles = int.Parse(ArgumentAfter("--dump-max") ?? "3");
        if (ArgumentAfter("--dump-type") is { } dumpType)
            options.Dump.Type = Enum.Parse<DumpType>(dumpType);
    });
string? blockOnStopMs = ArgumentAfter("--block-on-stop-ms");
if (blockOnStop || blockOnStopMs is not null)
    builder.Services.AddHostedService(_ => new BlockingStopService(blockOnStopMs is null ? null : TimeSpan.FromMilliseconds(int.Parse(blockOnStopMs))));
builder.Services.AddHostedService(provider => new MarkerService(provider.GetRequiredService<IHostApplicationLifetime>(),
    provider.GetRequiredService<ILogger<MarkerService>>(), hangOnStop, markerFile, flood, startGate));

using var host = builder.Build();
host.Services.GetRequiredService<SignalHostEvents>().ConfigurationReloaded += (_, e) =>
    Console.WriteLine($"reloaded Greeting={e.Configuration["Greeting"]} by pid {e.Signal.SenderPid}");
host.Run();
Console.WriteLine("host-run returned");
return 0;

[DllImport("libc", EntryPoint = "prctl", SetLastError = true)]
static extern int Prctl(int option, nint arg2, nint arg3, nint arg4, nint arg5);

string? ArgumentAfter(string name)
{
    int index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
