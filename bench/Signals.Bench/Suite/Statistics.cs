namespace Signals.Bench.Suite;

internal static class Statistics
{
    /// <summary>The median, or NaN for no values.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
            return double.NaN;
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>The q-quantile of sorted values (nearest rank), or NaN for none.</summary>
    public static double Percentile(IReadOnlyList<long> sorted, double q)
    {
        if (sorted.Count == 0)
            return double.NaN;
        int rank = (int)Math.Ceiling(q * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
