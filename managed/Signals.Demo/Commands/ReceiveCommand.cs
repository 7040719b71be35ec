using Signals.Demo.Cli;

namespace Signals.Demo.Commands;

/// <summary>signal_signal.py: handlers for SIGUSR1 and SIGUSR2, a loop printing "Waiting...", Ctrl-C ends it.</summary>
public static class ReceiveCommand
{
    /// <summary>The subcommand's declaration.</summary>
    public static DemoCommand Command { get; } = new(
        "receive",
        "signal_signal.py: print each SIGUSR1/SIGUSR2 received; Ctrl-C ends it",
        "Replays signal_signal.py. Prints its PID, then \"Waiting...\" every interval. SIGUSR1 and SIGUSR2 print\n" +
        "\"Received: N\" (from the dispatcher thread; the loop is not interrupted). SIGINT (Ctrl-C or kill -INT)\n" +
        "ends it the way Python's KeyboardInterrupt does: \"KeyboardInterrupt\" on stderr, then death by SIGINT\n" +
        "(status 130 in a shell).",
        [],
        [new DemoOption("--interval", "SECONDS", "time between \"Waiting...\" lines (default 3)")],
        Run);

    private static int Run(ParsedArguments arguments)
    {
        var interval = arguments.Seconds("--interval", TimeSpan.FromSeconds(3));
        SignalHandlers.Set(Signal.SIGUSR1, ReceiveSignal);
        SignalHandlers.Set(Signal.SIGUSR2, ReceiveSignal);
        // Python's default SIGINT handler raises KeyboardInterrupt; uncaught, the interpreter prints it and
        // then kills itself with SIGINT so the shell sees "interrupted" (130), not an ordinary exit.
        SignalEvents.Subscribe(Signal.SIGINT, _ => Console.Error.WriteLine("KeyboardInterrupt"),
            new SubscriptionOptions { ExitBySignalAfterCallback = true });

        Console.WriteLine($"My PID is: {Environment.ProcessId}");
        while (true)
        {
            Console.WriteLine("Waiting...");
            Thread.Sleep(interval);
        }
    }

    private static void ReceiveSignal(SignalEvent signalEvent) =>
        Console.WriteLine($"Received: {signalEvent.Signal.Number}");
}
