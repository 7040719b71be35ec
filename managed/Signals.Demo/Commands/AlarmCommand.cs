using Signals.Demo.Cli;

namespace Signals.Demo.Commands;

/// <summary>signal_alarm.py: an alarm 2 s into a 4 s sleep.</summary>
public static class AlarmCommand
{
    /// <summary>The subcommand's declaration.</summary>
    public static DemoCommand Command { get; } = new(
        "alarm",
        "signal_alarm.py: SIGALRM after 2 s during a 4 s sleep",
        "Replays signal_alarm.py: sets a SIGALRM handler and alarm(2), prints \"Before:\", sleeps 4 s, prints\n" +
        "\"After :\". The handler prints \"Alarm :\" 2 s after the start, on the dispatcher thread, while the\n" +
        "main thread goes on sleeping.",
        [],
        [],
        Run);

    private static int Run(ParsedArguments arguments)
    {
        SignalHandlers.Set(Signal.SIGALRM, ReceiveAlarm);
        SignalTimers.Alarm(TimeSpan.FromSeconds(2));
        Console.WriteLine($"Before: {PythonTime.CTime()}");
        Thread.Sleep(TimeSpan.FromSeconds(4));
        Console.WriteLine($"After : {PythonTime.CTime()}");
        return 0;
    }

    private static void ReceiveAlarm(SignalEvent signalEvent) =>
        Console.WriteLine($"Alarm : {PythonTime.CTime()}");
}
