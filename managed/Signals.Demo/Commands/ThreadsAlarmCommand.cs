using Signals.Demo.Cli;

namespace Signals.Demo.Commands;

/// <summary>signal_threads_alarm.py: an alarm set in a worker thread; the handler runs on the dispatcher thread.</summary>
public static class ThreadsAlarmCommand
{
    /// <summary>The subcommand's declaration.</summary>
    public static DemoCommand Command { get; } = new(
        "threads-alarm",
        "signal_threads_alarm.py: alarm(1) set in a thread sleeping 3 s",
        "Replays signal_threads_alarm.py: \"alarm_thread\" sets alarm(1) and sleeps 3 s; the SIGALRM handler\n" +
        "prints \"Alarm in Signals dispatcher\" (Python: MainThread) and the sleep is not cut short. Exit status 0.",
        [],
        [],
        Run);

    private static int Run(ParsedArguments arguments)
    {
        SignalHandlers.Set(Signal.SIGALRM, SignalHandler);
        var alarmThread = new Thread(UseAlarm) { Name = "alarm_thread" };
        alarmThread.Start();
        Thread.Sleep(TimeSpan.FromSeconds(0.1));
        Console.WriteLine($"{PythonTime.CTime()} Waiting for {alarmThread.Name}");
        alarmThread.Join();
        Console.WriteLine($"{PythonTime.CTime()} Exiting normally");
        return 0;
    }

    private static void SignalHandler(SignalEvent signalEvent) =>
        Console.WriteLine($"{PythonTime.CTime()} Alarm in {Thread.CurrentThread.Name}");

    private static void UseAlarm()
    {
        string name = Thread.CurrentThread.Name!;
        Console.WriteLine($"{PythonTime.CTime()} Setting alarm in {name}");
        SignalTimers.Alarm(TimeSpan.FromSeconds(1));
        Console.WriteLine($"{PythonTime.CTime()} Sleeping in {name}");
        Thread.Sleep(TimeSpan.FromSeconds(3));
        Console.WriteLine($"{PythonTime.CTime()} Done with sleep in {name}");
    }
}
