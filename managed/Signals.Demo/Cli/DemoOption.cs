namespace Signals.Demo.Cli;

/// <summary>An option a subcommand accepts, e.g. <c>--interval SECONDS</c>, with its help text.</summary>
public sealed record DemoOption(string Name, string ValueName, string Help);
