using Signals.Diagnostics;
using Signals.Demo.Cli;

namespace Signals.Demo.Serve;

/// <summary>The default subcommand: a realistic service driven by signals.</summary>
public static class ServeCommand
{
    /// <summary>The config file used when --config is not given: beside the executable.</summary>
    public static string DefaultConfigPath => Path.Combine(AppContext.BaseDirectory, "signals-demo.conf");

    /// <summary>The subcommand's declaration.</summary>
    public static DemoCommand Command { get; } = new(
        "serve",
        "a realistic service: SIGHUP reloads, SIGUSR1 reports, SIGTERM/SIGINT shut down (the default)",
        "Runs a small service that does simulated jobs until told to stop. It prints its PID and the signals it\n" +
        "handles; every signal received is logged with its sender's pid and uid.\n" +
        "  SIGHUP           reload the config file and log what changed (a bad file is refused, the old config kept)\n" +
        "  SIGUSR1          print diagnostics: uptime, deliveries per signal, last sender pid/uid\n" +
        "  SIGTERM, SIGINT  graceful shutdown: finish in-flight work (drain_seconds in the config) within the\n" +
        "                   deadline, then exit 0; past the deadline, exit by that signal (status 128+N).\n" +
        "                   A second SIGTERM or SIGINT during the shutdown exits at once by that signal.\n" +
        "                   A SIGINT ignored by the parent (a background job: `serve &`) stays ignored.\n" +
        "  SIGTSTP          (Ctrl-Z) log \"suspended\", then stop; after SIGCONT (fg) log \"resumed\" and go on\n" +
        "  SIGQUIT          print every managed thread's stack (kill -3, as for a JVM); the service keeps running\n" +
        $"The config file (key=value lines) is created with defaults when missing; default: {DefaultConfigPath}",
        [],
        [
            new DemoOption("--config", "PATH", "the key=value config file (created with defaults when missing)"),
            new DemoOption("--deadline", "SECONDS", "how long a graceful shutdown may take (default 5)"),
        ],
        Run);

    private static int Run(ParsedArguments arguments)
    {
        var deadline = arguments.Seconds("--deadline", TimeSpan.FromSeconds(5));
        string path = arguments.Option("--config") ?? DefaultConfigPath;
        ServiceConfig config;
        bool created;
        try
        {
            (config, created) = ServiceConfig.LoadOrCreate(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException)
        {
            Console.Error.WriteLine($"{Program.Name} serve: cannot use the config file {path}: {exception.Message}");
            return 1;
        }

        var service = new DemoService(config, deadline);
        using var subscription = service.Subscribe();
        using var jobControl = service.SubscribeJobControl();
        int pid = Environment.ProcessId;
        ServiceLog.Write($"{Program.Name} serve: PID {pid}, uid {SignalSender.UserId}");
        ServiceLog.Write($"config {config.Path} ({(created ? "created with defaults" : "loaded")}, {config.Values.Count} keys)");
        ServiceLog.Write("handling SIGHUP: reload the config and log what changed");
        ServiceLog.Write("handling SIGUSR1: print diagnostics (uptime, deliveries per signal, last sender)");
        if (jobControl is not null)
            ServiceLog.Write("handling SIGTSTP: suspend (Ctrl-Z) after saying so; fg or SIGCONT resumes");
        // kill -QUIT: every managed thread's stack on stdout, as a JVM does; the service keeps running. Left alone
        // when inherited ignored, like SIGINT. Under NativeAOT the report lists the OS threads and says why.
        bool quitIgnored = SignalHandlers.Get(Signal.SIGQUIT).Kind == SignalDispositionKind.Ignored;
        using var threadStacks = quitIgnored ? null : SignalDiagnostics.SubscribeThreadStacks(Signal.SIGQUIT, Console.Out);
        if (quitIgnored)
            ServiceLog.Write("SIGQUIT is ignored (inherited from the parent process, e.g. a background job): leaving it ignored, no thread stacks");
        else
            ServiceLog.Write("handling SIGQUIT: print every managed thread's stack (the service keeps running)");
        foreach (var signal in service.LeftIgnored)
            ServiceLog.Write($"{signal} is ignored (inherited from the parent process, e.g. a background job): leaving it ignored");
        string shutdownSignals = service.LeftIgnored.Contains(Signal.SIGINT) ? "SIGTERM" : "SIGTERM, SIGINT";
        ServiceLog.Write($"handling {shutdownSignals}: graceful shutdown within {deadline.TotalSeconds:0.###} s; a second one exits at once");
        ServiceLog.Write($"ready; try: kill -HUP {pid}; kill -USR1 {pid}; kill -QUIT {pid}; kill -TERM {pid} (or Ctrl-C)");
        return service.Run();
    }
}
