namespace Signals.Stress.Scenarios.Composition;

/// <summary>What the driver learned about one sequence from its worker: the steps it ran and how it ended.</summary>
internal sealed class SequenceResult(int index)
{
    public int Index => index;
    public List<string> Steps { get; } = [];
    public bool Finished { get; set; }
    public string? Failure { get; set; }
    public bool Passed => Finished && Failure is null;

    /// <summary>"[count]", "[crash-134]"...: what a shrink must keep failing with.</summary>
    public string Category => Failure is { } failure && failure.StartsWith('[') ? failure[..(failure.IndexOf(']') + 1)] : "[other]";

    /// <summary>The steps the sequence itself ran (not the worker's cleanup, numbered from 900).</summary>
    public List<string> SequenceSteps => Steps.Where(step => Step.Parse(step).Id < 900).ToList();
}
