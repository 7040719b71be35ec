namespace Signals.Demo.Cli;

/// <summary>Bad command-line arguments: the demo prints the message and the usage on stderr, then exits with status 2.</summary>
public sealed class UsageException(string message) : Exception(message);
