using System.Globalization;

namespace Signals.Demo.Serve;

/// <summary>
/// The service's configuration: <c>key=value</c> lines, <c>#</c> comments. Unknown keys are kept (and
/// reported when they change); the known ones must parse, or the whole file is refused.
/// </summary>
public sealed class ServiceConfig
{
    /// <summary>What a freshly created config file holds.</summary>
    public const string DefaultText =
        "# signals-demo serve: key=value lines, '#' starts a comment. Edit, then send SIGHUP to reload.\n" +
        "name=demo-service\n" +
        "# a heartbeat line every N seconds (0: none)\n" +
        "heartbeat_seconds=10\n" +
        "# how long one simulated job takes\n" +
        "job_milliseconds=250\n" +
        "# how long finishing in-flight work takes once a shutdown starts (compare serve --deadline)\n" +
        "drain_seconds=1\n";

    private ServiceConfig(string path, IReadOnlyDictionary<string, string> values)
    {
        Path = path;
        Values = values;
        Name = values.GetValueOrDefault("name", "demo-service");
        Heartbeat = TimeSpan.FromSeconds(Number(values, "heartbeat_seconds", 10));
        Job = TimeSpan.FromMilliseconds(Number(values, "job_milliseconds", 250));
        Drain = TimeSpan.FromSeconds(Number(values, "drain_seconds", 1));
    }

    /// <summary>The file it was read from (absolute).</summary>
    public string Path { get; }

    /// <summary>Every key and value, as read.</summary>
    public IReadOnlyDictionary<string, string> Values { get; }

    /// <summary>The service's name, shown in heartbeats.</summary>
    public string Name { get; }

    /// <summary>Time between heartbeat lines; zero for none.</summary>
    public TimeSpan Heartbeat { get; }

    /// <summary>How long one simulated job takes.</summary>
    public TimeSpan Job { get; }

    /// <summary>How long finishing in-flight work takes once a shutdown starts.</summary>
    public TimeSpan Drain { get; }

    /// <summary>Reads <paramref name="path"/>, first writing <see cref="DefaultText"/> there when the file does not exist.</summary>
    /// <returns>The config, and whether the file was created.</returns>
    public static (ServiceConfig Config, bool Created) LoadOrCreate(string path)
    {
        path = System.IO.Path.GetFullPath(path);
        bool created = false;
        if (!File.Exists(path))
        {
            File.WriteAllText(path, DefaultText);
            created = true;
        }
        return (Load(path), created);
    }

    /// <summary>Reads and validates <paramref name="path"/>.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="FormatException">A line is not key=value, or a known key's value is not a number ≥ 0.</exception>
    public static ServiceConfig Load(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        int lineNumber = 0;
        foreach (string rawLine in File.ReadAllLines(path))
        {
            lineNumber++;
            string line = rawLine.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            int equals = line.IndexOf('=');
            if (equals <= 0)
                throw new FormatException($"line {lineNumber}: '{line}' is not key=value");
            values[line[..equals].Trim()] = line[(equals + 1)..].Trim();
        }
        return new ServiceConfig(path, values);
    }

    /// <summary>What changed from <paramref name="previous"/> to this one, e.g. <c>heartbeat_seconds 10 -> 2</c>; empty when nothing did.</summary>
    public IReadOnlyList<string> ChangesFrom(ServiceConfig previous)
    {
        var changes = new List<string>();
        foreach (var (key, value) in Values.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            if (!previous.Values.TryGetValue(key, out var old))
                changes.Add($"{key} added ({value})");
            else if (old != value)
                changes.Add($"{key} {old} -> {value}");
        }
        foreach (var key in previous.Values.Keys.Where(key => !Values.ContainsKey(key)).Order(StringComparer.Ordinal))
            changes.Add($"{key} removed");
        return changes;
    }

    private static double Number(IReadOnlyDictionary<string, string> values, string key, double fallback)
    {
        if (!values.TryGetValue(key, out var text))
            return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number)
            || !double.IsFinite(number) || number < 0 || number > 1e6)
            throw new FormatException($"{key}: '{text}' is not a number from 0 to 1000000");
        return number;
    }
}
