using static Signals.Migrating.Sample;

namespace Signals.Migrating.Recipes;

/// <summary>
/// From <see cref="Console.CancelKeyPress"/>: count Ctrl-C (SIGINT) instead of dying, end on "quit"
/// ("interrupted N times", exit 0). With --no-cancel (before) the first SIGINT ends the process (130). After: the
/// code keeps a CancelKeyPress handler that prints "CancelKeyPress ran". Under Handle (the default) it never runs.
/// With --observe, ours records the delivery and then .NET's handler runs, so CancelKeyPress runs too and cancels;
/// with --observe --no-cancel it does not cancel and the process ends with 130, perhaps before our callback ran.
/// </summary>
internal static class CancelKeyPressRecipe
{
    public static int Before(string[] options)
    {
        bool cancel = !options.Contains("--no-cancel");
        int interrupts = 0;
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = cancel; // false: the process ends with 130 once this handler returns
            Say($"interrupt {Interlocked.Increment(ref interrupts)}");
        };
        Ready();
        ServeCommands();
        Say($"interrupted {Volatile.Read(ref interrupts)} times");
        return 0;
    }

    public static int After(string[] options)
    {
        bool observe = options.Contains("--observe");
        bool cancel = !options.Contains("--no-cancel");
        int interrupts = 0;
        // Left over from the code being migrated: under Handle it never runs; under Observe it runs once our
        // handler recorded the delivery, on .NET's own thread, concurrently with our callback.
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = cancel;
            Say("CancelKeyPress ran");
        };
        using var interrupt = SignalEvents.Subscribe(Signal.SIGINT,
            e => Say($"interrupt {Interlocked.Increment(ref interrupts)} from pid {e.SenderPid}"),
            new SubscriptionOptions { Policy = observe ? SignalPolicy.Observe : SignalPolicy.Handle });
        Ready();
        ServeCommands();
        Say($"interrupted {Volatile.Read(ref interrupts)} times");
        return 0;
    }
}
