using System.ComponentModel;
using System.Globalization;
using Signals.Demo.Cli;

namespace Signals.Demo.Commands;

/// <summary>os.kill, plus sigqueue with a value: sends a signal to a process.</summary>
public static class KillCommand
{
    /// <summary>The exit status for a signal that cannot be sent (unknown signal, bad or foreign pid).</summary>
    public const int FailureStatus = 2;

    /// <summary>The subcommand's declaration.</summary>
    public static DemoCommand Command { get; } = new(
        "kill",
        "os.kill: send SIGNAL to PID (with sigqueue when --value is given)",
        "Sends SIGNAL to process PID with kill(2), or with sigqueue(3) carrying the value N when --value is\n" +
        "given. SIGNAL is a name (USR1, SIGUSR1, SIGRTMIN+2, RTMAX-1) or a number. An unknown signal or a pid\n" +
        "that cannot be signalled: a one-line error on stderr and exit status 2.",
        ["PID", "SIGNAL"],
        [new DemoOption("--value", "N", "send with sigqueue, carrying the integer N")],
        Run);

    private static int Run(ParsedArguments arguments)
    {
        string pidText = arguments.Positionals[0], signalText = arguments.Positionals[1];
        if (!int.TryParse(pidText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int pid))
            return Fail($"'{pidText}' is not a process id.");
        if (!Signal.TryParse(signalText, out var signal))
            return Fail($"'{signalText}' is not a signal: use a name such as USR1, SIGUSR1 or SIGRTMIN+2, or a number 1..{Signal.RealTimeMax.Number}.");
        long? value = null;
        if (arguments.Option("--value") is { } valueText)
        {
            if (!long.TryParse(valueText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long parsed))
                throw new UsageException($"kill: --value wants an integer, not '{valueText}'.");
            value = parsed;
        }
        try
        {
            if (value is { } carried)
            {
                SignalSender.Queue(pid, signal, carried);
                Console.WriteLine($"Queued {signal} ({signal.Number}) with value {carried} to process {pid}");
            }
            else
            {
                SignalSender.Kill(pid, signal);
                Console.WriteLine($"Sent {signal} ({signal.Number}) to process {pid}");
            }
            return 0;
        }
        catch (Exception exception) when (exception is ArgumentException or UnauthorizedAccessException or InvalidOperationException or Win32Exception)
        {
            return Fail(exception.Message);
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"{Program.Name} kill: {message}");
        return FailureStatus;
    }
}
