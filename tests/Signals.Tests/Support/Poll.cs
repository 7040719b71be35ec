using System.Diagnostics;

namespace Signals.Tests.Support;

/// <summary>Positive waits poll toward a generous deadline: the machine is shared and timings are noisy.</summary>
internal static class Poll
{
    /// <summary>The deadline for anything a test expects to happen.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>True once <paramref name="condition"/> holds, false when <paramref name="timeout"/> (default 30 s) passes first.</summary>
    public static bool Until(Func<bool> condition, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        var limit = timeout ?? Deadline;
        while (!condition())
        {
            if (clock.Elapsed > limit)
                return false;
            Thread.Sleep(5);
        }
        return true;
    }

    /// <summary>Asserts that <paramref name="condition"/> comes true within the deadline.</summary>
    public static void Expect(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        NUnit.Framework.Assert.That(Until(condition, timeout), NUnit.Framework.Is.True,
            $"{what}: not within {(timeout ?? Deadline).TotalSeconds:0} s");

    /// <summary>Waits for a task with the deadline; fails the test if it does not complete.</summary>
    public static T Result<T>(Task<T> task, string what)
    {
        NUnit.Framework.Assert.That(task.Wait(Deadline), NUnit.Framework.Is.True, $"{what}: not within {Deadline.TotalSeconds:0} s");
        return task.Result;
    }
}
