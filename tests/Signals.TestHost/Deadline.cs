namespace Signals.TestHost;

/// <summary>Polls toward a generous deadline: the machine is shared and slow at times.</summary>
internal static class Deadline
{
    /// <summary>How long a child waits for anything it expects.</summary>
    public static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    /// <summary>True once <paramref name="condition"/> holds; false if the time runs out first.</summary>
    public static bool Until(Func<bool> condition, TimeSpan? timeout = null)
    {
        var end = DateTime.UtcNow + (timeout ?? Generous);
        while (!condition())
        {
            if (DateTime.UtcNow > end)
                return false;
            Thread.Sleep(10);
        }
        return true;
    }
}
