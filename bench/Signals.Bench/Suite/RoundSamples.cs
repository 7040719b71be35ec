namespace Signals.Bench.Suite;

/// <summary>
/// Latency samples kept per round: a row's percentile is the median over the rounds of that round's
/// percentile, so one round that met a busy moment of the shared machine moves it no more than any other.
/// </summary>
internal sealed class RoundSamples
{
    private readonly List<long[]> _rounds = [];

    public int Count => _rounds.Sum(round => round.Length);
    public int Rounds => _rounds.Count;

    public void Add(ReadOnlySpan<long> nanoseconds)
    {
        var round = nanoseconds.ToArray();
        Array.Sort(round);
        _rounds.Add(round);
    }

    /// <summary>The median over the rounds of each round's q-quantile, in microseconds; NaN without samples.</summary>
    public double PercentileUs(double q) => Statistics.Median(_rounds.Select(round => Statistics.Percentile(round, q) / 1000.0));
}
