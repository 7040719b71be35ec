namespace Signals.Demo.Cli;

/// <summary>
/// A deliberately small parser: <c>--name VALUE</c> or <c>--name=VALUE</c> for the options a subcommand
/// declares, <c>-h</c>/<c>--help</c>, and a fixed range of positional arguments. Anything else is a usage error.
/// </summary>
public static class CommandLine
{
    /// <summary>Whether the arguments ask for help (<c>-h</c>, <c>--help</c>) anywhere.</summary>
    public static bool WantsHelp(IEnumerable<string> arguments) =>
        arguments.Any(argument => argument is "-h" or "--help");

    /// <summary>Parses <paramref name="arguments"/> against the subcommand's declaration.</summary>
    /// <exception cref="UsageException">An unknown option, a missing value, or too few or too many positional arguments.</exception>
    public static ParsedArguments Parse(DemoCommand command, IReadOnlyList<string> arguments)
    {
        var positionals = new List<string>();
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int index = 0; index < arguments.Count; index++)
        {
            string argument = arguments[index];
            // A lone "-" or a negative number (a process group for kill) is positional, not an option.
            if (!argument.StartsWith('-') || argument == "-" || int.TryParse(argument, out _))
            {
                positionals.Add(argument);
                continue;
            }
            if (argument == "--")
            {
                positionals.AddRange(arguments.Skip(index + 1));
                break;
            }
            string name = argument, value;
            int equals = argument.IndexOf('=');
            if (equals > 0)
            {
                name = argument[..equals];
                value = argument[(equals + 1)..];
            }
            else
            {
                if (!command.Options.Any(option => option.Name == name))
                    throw new UsageException($"{command.Name}: unknown option '{name}'.");
                if (index + 1 >= arguments.Count)
                    throw new UsageException($"{command.Name}: {name} needs a value.");
                value = arguments[++index];
            }
            if (!command.Options.Any(option => option.Name == name))
                throw new UsageException($"{command.Name}: unknown option '{name}'.");
            if (!options.TryAdd(name, value))
                throw new UsageException($"{command.Name}: {name} is given twice.");
        }
        if (positionals.Count < command.Positionals.Count)
            throw new UsageException($"{command.Name}: missing {command.Positionals[positionals.Count]}.");
        if (positionals.Count > command.Positionals.Count)
            throw new UsageException($"{command.Name}: unexpected argument '{positionals[command.Positionals.Count]}'.");
        return new ParsedArguments(positionals, options);
    }
}
