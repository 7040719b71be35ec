using Signals.Demo.Cli;

namespace Signals.Demo.Commands;

/// <summary>signal_ignore.py: SIGINT ignored, SIGUSR1 exits with "Exiting" and status 1.</summary>
public static class IgnoreCommand
{
    /// <summary>The subcommand's declaration.</summary>
    public static DemoCommand Command { get; } = new(
        "ignore",
        "signal_ignore.py: ignore SIGINT, exit on SIGUSR1",
        "Replays signal_ignore.py: SIGINT is set to SIG_IGN (Ctrl-C does nothing), then it waits with\n" +
        "SignalEvents.Pause(). SIGUSR1 prints \"Exiting\" on stderr and exits with status 1, like Python's\n" +
        "SystemExit(\"Exiting\").",
        [],
        [],
        Run);

    private static int Run(ParsedArguments arguments)
    {
        SignalHandlers.Set(Signal.SIGINT, SignalDisposition.Ignored);
        SignalHandlers.Set(Signal.SIGUSR1, DoExit);
        Console.WriteLine($"My PID: {Environment.ProcessId}");
        // Like signal.pause() the main thread sleeps until a handled signal was dispatched; a SIGUSR1 handler
        // ends the process before Pause returns, so looping only guards against other wake-ups.
        while (true)
            SignalEvents.Pause();
    }

    // SystemExit("Exiting") prints its message on stderr and exits with status 1.
    private static void DoExit(SignalEvent signalEvent)
    {
        Console.Error.WriteLine("Exiting");
        Environment.Exit(1);
    }
}
