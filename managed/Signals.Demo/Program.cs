using Signals.Demo.Cli;
using Signals.Demo.Commands;
using Signals.Demo.Serve;

namespace Signals.Demo;

/// <summary>
/// The demo CLI: the six programs of PyMOTW's "signal" chapter as subcommands, plus <c>kill</c> and a
/// realistic service (<c>serve</c>, the default). Exit statuses: what the subcommand returns; 2 for bad
/// arguments (usage on stderr); 128+N when a signal ends the process.
/// </summary>
public static class Program
{
    /// <summary>The program's name in messages.</summary>
    public const string Name = "signals-demo";

    /// <summary>The exit status for bad arguments.</summary>
    public const int UsageStatus = 2;

    /// <summary>Every subcommand, in the seed chapter's order.</summary>
    public static IReadOnlyList<DemoCommand> Commands { get; } =
    [
        ReceiveCommand.Command,
        GetSignalCommand.Command,
        AlarmCommand.Command,
        IgnoreCommand.Command,
        ThreadsCommand.Command,
        ThreadsAlarmCommand.Command,
        KillCommand.Command,
        ServeCommand.Command,
    ];

    /// <summary>Runs the subcommand named by the first argument (serve when there is none).</summary>
    public static int Main(string[] arguments)
    {
        if (arguments is ["-h" or "--help" or "help", ..])
        {
            Console.Write(Usage);
            return 0;
        }
        string name = arguments.Length == 0 || arguments[0].StartsWith('-') ? ServeCommand.Command.Name : arguments[0];
        var rest = arguments.Length == 0 || arguments[0].StartsWith('-') ? arguments : arguments[1..];
        var command = Commands.FirstOrDefault(candidate => candidate.Name == name);
        if (command is null)
            return UsageError($"unknown command '{name}'.", Usage);
        if (CommandLine.WantsHelp(rest))
        {
            Console.Write(command.Help);
            return 0;
        }
        try
        {
            return command.Run(CommandLine.Parse(command, rest));
        }
        catch (UsageException exception)
        {
            return UsageError(exception.Message, command.Help);
        }
    }

    /// <summary>The list of subcommands.</summary>
    public static string Usage
    {
        get
        {
            var usage = new System.Text.StringBuilder();
            usage.AppendLine($"usage: {Name} [COMMAND] [ARGS]   (no COMMAND: serve)");
            usage.AppendLine();
            usage.AppendLine("The programs of PyMOTW's \"signal\" chapter in C#, and a service driven by signals.");
            usage.AppendLine();
            usage.AppendLine("commands:");
            foreach (var command in Commands)
                usage.AppendLine($"  {command.Name,-14} {command.Summary}");
            usage.AppendLine();
            usage.AppendLine($"'{Name} COMMAND --help' describes one command.");
            return usage.ToString();
        }
    }

    private static int UsageError(string message, string usage)
    {
        Console.Error.WriteLine($"{Name}: {message}");
        Console.Error.Write(usage);
        return UsageStatus;
    }
}
