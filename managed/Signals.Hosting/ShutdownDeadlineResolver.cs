using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Signals.Hosting;

/// <summary>Where the shutdown deadline comes from: the rule documented on <see cref="SignalHostingOptions.ShutdownDeadline"/>.</summary>
internal static class ShutdownDeadlineResolver
{
    /// <summary>HostOptions.ShutdownTimeout's default in .NET 6 and later: a different value was set on purpose.</summary>
    private static readonly TimeSpan HostDefaultShutdownTimeout = TimeSpan.FromSeconds(30);

    internal static (TimeSpan Deadline, string Source) Resolve(SignalHostingOptions options, IConfiguration configuration, HostOptions? hostOptions)
    {
        var (deadline, source) = options.ShutdownDeadline is { } set ? (set, "AddSignals options")
            : configuration[SignalHostingOptions.ShutdownDeadlineKey] is { Length: > 0 } text ? (Parse(text), SignalHostingOptions.ShutdownDeadlineKey)
            : hostOptions is not null && hostOptions.ShutdownTimeout != HostDefaultShutdownTimeout ? (hostOptions.ShutdownTimeout, "HostOptions.ShutdownTimeout")
            : (SignalHostingOptions.DefaultShutdownDeadline, "default");
        SignalHostingOptions.Validate(deadline, source);
        return (deadline, source);
    }

    private static TimeSpan Parse(string text)
    {
        if (text.Equals("Infinite", StringComparison.OrdinalIgnoreCase))
            return Timeout.InfiniteTimeSpan;
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var deadline))
            return deadline;
        throw new FormatException($"{SignalHostingOptions.ShutdownDeadlineKey} is '{text}': expected a TimeSpan such as 00:00:20, or Infinite.");
    }
}
