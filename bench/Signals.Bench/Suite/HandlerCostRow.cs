using System.Globalization;

namespace Signals.Bench.Suite;

/// <summary>The in-handler cost: ns per kill(getpid()) with our handler vs a bare one-byte handler (C).</summary>
internal sealed class HandlerCostRow
{
    private readonly List<double> _bare = [], _ours = [], _ignored = [];

    public void RunRound(BenchOptions options, bool record)
    {
        string output = Tool.RunChecked(Path.Combine(options.Tools, "handler_cost"),
            options.HandlerKills.ToString(CultureInfo.InvariantCulture), options.HandlerBlocks.ToString(CultureInfo.InvariantCulture));
        if (!record)
            return;
        var fields = Tool.Fields(output);
        _bare.Add(double.Parse(fields["bare_ns"], CultureInfo.InvariantCulture));
        _ours.Add(double.Parse(fields["ours_ns"], CultureInfo.InvariantCulture));
        _ignored.Add(double.Parse(fields["ignored_ns"], CultureInfo.InvariantCulture));
    }

    public double BareNs => Statistics.Median(_bare);
    public double OursNs => Statistics.Median(_ours);
    public double IgnoredNs => Statistics.Median(_ignored);
}
