using System.Text;

namespace Signals.Demo.Cli;

/// <summary>One subcommand of the demo: its name, the seed program it replays, its arguments and what it runs.</summary>
/// <param name="Name">What the user types, e.g. <c>receive</c>.</param>
/// <param name="Summary">One line for the command list.</param>
/// <param name="Description">The paragraph shown by <c>--help</c>.</param>
/// <param name="Positionals">Names of the required positional arguments (e.g. PID, SIGNAL).</param>
/// <param name="Options">The options it accepts besides --help.</param>
/// <param name="Run">Runs the command; returns the exit status.</param>
public sealed record DemoCommand(
    string Name,
    string Summary,
    string Description,
    IReadOnlyList<string> Positionals,
    IReadOnlyList<DemoOption> Options,
    Func<ParsedArguments, int> Run)
{
    /// <summary>The synopsis line, e.g. <c>signals-demo kill PID SIGNAL [--value N]</c>.</summary>
    public string Synopsis
    {
        get
        {
            var synopsis = new StringBuilder($"{Program.Name} {Name}");
            foreach (var positional in Positionals)
                synopsis.Append(' ').Append(positional);
            foreach (var option in Options)
                synopsis.Append($" [{option.Name} {option.ValueName}]");
            return synopsis.ToString();
        }
    }

    /// <summary>The full help text: synopsis, description, options.</summary>
    public string Help
    {
        get
        {
            var help = new StringBuilder();
            help.AppendLine($"usage: {Synopsis}");
            help.AppendLine();
            help.AppendLine(Description);
            if (Options.Count > 0)
            {
                help.AppendLine();
                help.AppendLine("options:");
                foreach (var option in Options)
                    help.AppendLine($"  {option.Name + " " + option.ValueName,-22} {option.Help}");
            }
            help.AppendLine($"  {"-h, --help",-22} show this help and exit");
            return help.ToString();
        }
    }
}
