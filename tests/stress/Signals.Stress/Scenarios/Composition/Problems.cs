using System.Collections.Concurrent;

namespace Signals.Stress.Scenarios.Composition;

/// <summary>
/// Failures seen off the main thread (in callbacks, in CallbackFailed), collected and checked after every step.
/// Each message starts with its category in brackets: the shrinker keeps a removal only while the same
/// category still fails.
/// </summary>
internal sealed class Problems
{
    private readonly ConcurrentQueue<string> _queue = new();
    private readonly HashSet<string> _ignored;

    /// <param name="ignored">Categories (without brackets) to look past, e.g. a known defect that would hide the others.</param>
    public Problems(IEnumerable<string> ignored) => _ignored = [.. ignored.Select(category => $"[{category}]")];

    public void Add(string message)
    {
        if (!IsIgnored(message))
            _queue.Enqueue(message);
    }

    public bool IsIgnored(string message) => _ignored.Any(category => message.StartsWith(category, StringComparison.Ordinal));

    public string? First() => _queue.TryPeek(out var message) ? message : null;

    public void Clear() => _queue.Clear();
}
