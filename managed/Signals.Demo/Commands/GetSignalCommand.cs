using Signals.Demo.Cli;

namespace Signals.Demo.Commands;

/// <summary>signal_getsignal.py: what is installed for every named signal, after registering an alarm handler.</summary>
public static class GetSignalCommand
{
    /// <summary>How a native handler someone else installed (the .NET runtime, native code) is shown: Python shows None.</summary>
    public const string NativeHandlerText = "<native handler>";

    /// <summary>The subcommand's declaration.</summary>
    public static DemoCommand Command { get; } = new(
        "getsignal",
        "signal_getsignal.py: list what is installed for every signal",
        "Replays signal_getsignal.py. Registers a handler for SIGALRM, then prints one line per named signal\n" +
        "1..SIGRTMAX, sorted by number: SIG_DFL, SIG_IGN, <method NAME> for a managed handler, or\n" +
        $"{NativeHandlerText} when a handler installed outside managed code is there (Python prints None); in a\n" +
        ".NET process those are the runtime's own handlers (SIGINT, SIGQUIT, SIGTERM, SIGRTMIN, faults...).",
        [],
        [],
        Run);

    private static int Run(ParsedArguments arguments)
    {
        SignalHandlers.Set(Signal.SIGALRM, AlarmReceived);
        for (int number = 1; number <= Signal.RealTimeMax.Number; number++)
        {
            if (!Signal.IsDefined(number))
                continue; // 32 and 33: glibc keeps them for itself and gives them no name
            var signal = new Signal(number);
            Console.WriteLine($"{signal.Name,-10} ({number,2}): {Describe(SignalHandlers.Get(signal))}");
        }
        return 0;
    }

    private static string Describe(SignalDisposition disposition) => disposition.Kind switch
    {
        SignalDispositionKind.Native => NativeHandlerText,
        SignalDispositionKind.Managed => $"<method {disposition}>",
        _ => disposition.ToString(),
    };

    private static void AlarmReceived(SignalEvent signalEvent)
    {
    }
}
