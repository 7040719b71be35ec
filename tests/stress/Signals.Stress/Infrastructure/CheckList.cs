namespace Signals.Stress.Infrastructure;

/// <summary>Named pass/fail checks of one scenario; every failure is explained on standard error.</summary>
internal sealed class CheckList(string scenario)
{
    private int _failures;

    public int Count { get; private set; }

    public int Failures => _failures;

    public bool Check(bool passed, string what)
    {
        Count++;
        if (!passed)
        {
            Interlocked.Increment(ref _failures);
            Console.Error.WriteLine($"{scenario} FAILED: {what}");
        }
        else
        {
            Console.Error.WriteLine($"{scenario} ok: {what}");
        }
        return passed;
    }

    /// <summary>Adds the checks another process ran and reported (it explained its failures itself).</summary>
    public void Add(long count, long failures)
    {
        Count += (int)count;
        Interlocked.Add(ref _failures, (int)failures);
    }

    /// <summary>A failure seen outside a check (a worker's exception), counted without a check of its own.</summary>
    public void Fail(string what)
    {
        if (Interlocked.Increment(ref _failures) <= 20)
            Console.Error.WriteLine($"{scenario} FAILED: {what}");
    }
}
