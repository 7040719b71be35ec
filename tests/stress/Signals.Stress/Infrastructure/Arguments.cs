using System.Globalization;

namespace Signals.Stress.Infrastructure;

/// <summary>The key=value arguments run.sh passes to a scenario.</summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public Arguments(IEnumerable<string> args)
    {
        foreach (var arg in args)
        {
            int equals = arg.IndexOf('=');
            if (equals <= 0)
                throw new ArgumentException($"expected key=value, got '{arg}'");
            _values[arg[..equals]] = arg[(equals + 1)..];
        }
    }

    public string String(string key) =>
        _values.TryGetValue(key, out var value) ? value : throw new ArgumentException($"missing argument {key}=");

    public bool Has(string key) => _values.ContainsKey(key);

    public long Long(string key, long fallback) =>
        _values.TryGetValue(key, out var value) ? long.Parse(value, CultureInfo.InvariantCulture) : fallback;

    /// <summary>The folder that holds the C helper programs (stress_sender, line_feeder).</summary>
    public string Helpers => String("helpers");

    /// <summary>The helper program <paramref name="name"/>.</summary>
    public string Helper(string name) => Path.Combine(Helpers, name);

    /// <summary>Every argument again, for starting a copy of this program.</summary>
    public IEnumerable<string> All => _values.Select(pair => $"{pair.Key}={pair.Value}");
}
