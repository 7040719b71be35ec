using System.Globalization;

namespace Signals.Demo.Cli;

/// <summary>A subcommand's arguments after parsing: its positional values and the options given.</summary>
public sealed class ParsedArguments(IReadOnlyList<string> positionals, IReadOnlyDictionary<string, string> options)
{
    /// <summary>The positional arguments, in order.</summary>
    public IReadOnlyList<string> Positionals { get; } = positionals;

    /// <summary>The value of an option such as <c>--interval</c>, or null when it was not given.</summary>
    public string? Option(string name) => options.TryGetValue(name, out var value) ? value : null;

    /// <summary>An option holding a number of seconds (fractions allowed), or <paramref name="fallback"/>.</summary>
    /// <exception cref="UsageException">The value is not a positive number of seconds.</exception>
    public TimeSpan Seconds(string name, TimeSpan fallback)
    {
        string? text = Option(name);
        if (text is null)
            return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds)
            || !double.IsFinite(seconds) || seconds <= 0 || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
            throw new UsageException($"{name} wants a positive number of seconds, not '{text}'.");
        return TimeSpan.FromSeconds(seconds);
    }
}
