using Signals.Demo.Cli;

namespace Signals.Demo.Commands;

/// <summary>
/// signal_threads.py, showing what the design changes: in Python only the main thread runs handlers and
/// the waiting thread never wakes ("Alarm clock"); here the handler runs on the dispatcher thread and
/// the waiting thread does get the signal.
/// </summary>
public static class ThreadsCommand
{
    /// <summary>How long the main thread lets the receiver wait before the seed's alarm ends the process.</summary>
    public static readonly TimeSpan Safeguard = TimeSpan.FromSeconds(5);

    /// <summary>The subcommand's declaration.</summary>
    public static DemoCommand Command { get; } = new(
        "threads",
        "signal_threads.py: a thread waits for SIGUSR1 and does get it",
        "Replays signal_threads.py: a SIGUSR1 handler, a \"receiver\" thread waiting for the signal, a \"sender\"\n" +
        "thread sending it with kill(getpid(), SIGUSR1). In Python the receiver never wakes and alarm(2) ends\n" +
        "the script (\"Alarm clock\"). Here the handler runs on the \"Signals dispatcher\" thread and the receiver\n" +
        $"does get the signal (\"Done waiting\"); exit status 0. The seed's alarm stays as a safeguard ({Safeguard.TotalSeconds:0} s).",
        [],
        [],
        Run);

    private static int Run(ParsedArguments arguments)
    {
        SignalHandlers.Set(Signal.SIGUSR1, SignalHandler);

        using var receiverReady = new ManualResetEventSlim();
        var receiver = new Thread(() => WaitForSignal(receiverReady)) { Name = "receiver" };
        receiver.Start();
        // Python sleeps 0.1 s and hopes; waiting for the receiver's subscription leaves no race.
        receiverReady.Wait();

        var sender = new Thread(SendSignal) { Name = "sender" };
        sender.Start();
        sender.Join();

        Console.WriteLine($"Waiting for {receiver.Name}");
        SignalTimers.Alarm(Safeguard); // SIGALRM keeps its default action: "Alarm clock", status 142
        receiver.Join();
        SignalTimers.Alarm(TimeSpan.Zero);
        return 0;
    }

    private static void SignalHandler(SignalEvent signalEvent) =>
        Console.WriteLine($"Received signal {signalEvent.Signal.Number} in {Thread.CurrentThread.Name}");

    private static void WaitForSignal(ManualResetEventSlim ready)
    {
        Console.WriteLine($"Waiting for signal in {Thread.CurrentThread.Name}");
        // WaitAsync subscribes before it returns, so a signal sent after ready.Set() cannot be missed.
        var arrival = SignalEvents.WaitAsync(Signal.SIGUSR1);
        ready.Set();
        arrival.Wait();
        Console.WriteLine("Done waiting");
    }

    private static void SendSignal()
    {
        Console.WriteLine($"Sending signal in {Thread.CurrentThread.Name}");
        SignalSender.Kill(Environment.ProcessId, Signal.SIGUSR1);
    }
}
