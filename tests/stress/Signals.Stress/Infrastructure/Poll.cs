using System.Diagnostics;

namespace Signals.Stress.Infrastructure;

/// <summary>Positive waits: poll toward a generous deadline (the machine is shared and noisy), never a fixed sleep.</summary>
internal static class Poll
{
    public static bool Until(Func<bool> condition, TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > deadline)
                return condition();
            Thread.Sleep(5);
        }
        return true;
    }
}
