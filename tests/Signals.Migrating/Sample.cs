namespace Signals.Migrating;

/// <summary>What every recipe shares: its output lines and the commands it reads from standard input.</summary>
internal static class Sample
{
    /// <summary>One line on stdout (Console.Out flushes each line, so the test sees it at once).</summary>
    public static void Say(string line) => Console.WriteLine(line);

    /// <summary>Says "ready PID": the recipe's handlers are in place and signals may be sent.</summary>
    public static void Ready() => Say($"ready {Environment.ProcessId}");

    /// <summary>
    /// Answers "ping" with "pong" (the process is alive and its main thread runs) until "quit" or the end of
    /// input; any other command goes to <paramref name="onCommand"/>.
    /// </summary>
    public static void ServeCommands(Action<string>? onCommand = null)
    {
        while (Console.In.ReadLine() is { } command && command != "quit")
        {
            if (command == "ping")
                Say("pong");
            else
                onCommand?.Invoke(command);
        }
    }

    /// <summary>Starts <see cref="ServeCommands"/> on a background thread; the task ends at "quit".</summary>
    public static Task ServeCommandsInBackground() => Task.Factory.StartNew(() => ServeCommands(),
        TaskCreationOptions.LongRunning);

    public static int Usage()
    {
        Console.Error.WriteLine("usage: signals-migrating registration|host|cancel-key-press|sigaction before|after [OPTION]");
        Console.Error.WriteLine("       signals-migrating unix-signal [--handle]");
        return 2;
    }
}
