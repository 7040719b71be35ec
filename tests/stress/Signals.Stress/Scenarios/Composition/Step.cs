using System.Globalization;

namespace Signals.Stress.Scenarios.Composition;

/// <summary>
/// One step of a sequence, with a readable one-line text form that is also the replay format:
/// <c>#7 subscribe SIGUSR1 observe threadpool spawn</c>, <c>#9 dispose #7</c>, <c>#12 send SIGRTMIN+1 3</c>.
/// Ids are the step's position in the generated sequence; they stay the same when a shrink removes steps,
/// and a step whose referenced step is gone (or whose precondition no longer holds) is skipped.
/// </summary>
internal sealed record Step(int Id, StepKind Kind)
{
    public Signal Signal { get; init; }
    public SignalPolicy Policy { get; init; }
    public CallbackTarget Target { get; init; }
    public bool Spawns { get; init; }
    public int Ref { get; init; }
    public int Count { get; init; } = 1;

    public override string ToString()
    {
        string head = $"#{Id} {Word(Kind)}";
        return Kind switch
        {
            StepKind.Subscribe => $"{head} {Name(Signal)} {Policy.ToString().ToLowerInvariant()} {Target.ToString().ToLowerInvariant()}{(Spawns ? " spawn" : "")}",
            StepKind.SetHandler => $"{head} {Name(Signal)}{(Spawns ? " spawn" : "")}",
            StepKind.Dispose or StepKind.PosixDispose or StepKind.CancelKeyRemove => $"{head} #{Ref}",
            StepKind.Send => $"{head} {Name(Signal)} {Count}",
            StepKind.ProcessStart => $"{head}{(Spawns ? " sigblk" : " true")}",
            StepKind.CancelKeyAdd or StepKind.Collect or StepKind.CheckTampering or StepKind.Shutdown => head,
            _ => $"{head} {Name(Signal)}",
        };
    }

    public static Step Parse(string line)
    {
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int id = int.Parse(words[0].TrimStart('#'), CultureInfo.InvariantCulture);
        var kind = Enum.GetValues<StepKind>().Single(k => Word(k) == words[1]);
        var step = new Step(id, kind);
        return kind switch
        {
            StepKind.Subscribe => step with
            {
                Signal = ParseSignal(words[2]),
                Policy = Enum.Parse<SignalPolicy>(words[3], ignoreCase: true),
                Target = Enum.Parse<CallbackTarget>(words[4], ignoreCase: true),
                Spawns = words.Length > 5 && words[5] == "spawn",
            },
            StepKind.SetHandler => step with { Signal = ParseSignal(words[2]), Spawns = words.Length > 3 && words[3] == "spawn" },
            StepKind.Dispose or StepKind.PosixDispose or StepKind.CancelKeyRemove =>
                step with { Ref = int.Parse(words[2].TrimStart('#'), CultureInfo.InvariantCulture) },
            StepKind.Send => step with { Signal = ParseSignal(words[2]), Count = int.Parse(words[3], CultureInfo.InvariantCulture) },
            StepKind.ProcessStart => step with { Spawns = words.Length > 2 && words[2] == "sigblk" },
            StepKind.CancelKeyAdd or StepKind.Collect or StepKind.CheckTampering or StepKind.Shutdown => step,
            _ => step with { Signal = ParseSignal(words[2]) },
        };
    }

    /// <summary>SIGUSR1, or SIGRTMIN+n for real-time signals (their numbers differ between C libraries).</summary>
    public static string Name(Signal signal) =>
        signal.IsRealTime ? $"SIGRTMIN+{signal.Number - Signal.RealTimeMin.Number}" : signal.Name;

    private static Signal ParseSignal(string text) =>
        text.StartsWith("SIGRTMIN+", StringComparison.Ordinal)
            ? new Signal(Signal.RealTimeMin.Number + int.Parse(text[9..], CultureInfo.InvariantCulture))
            : Signal.Parse(text);

    private static string Word(StepKind kind) => kind switch
    {
        StepKind.SetHandler => "set-handler",
        StepKind.SetDefault => "set-default",
        StepKind.SetIgnored => "set-ignored",
        StepKind.PosixCreate => "posix-create",
        StepKind.PosixDispose => "posix-dispose",
        StepKind.CancelKeyAdd => "cancelkey-add",
        StepKind.CancelKeyRemove => "cancelkey-remove",
        StepKind.ForeignInstall => "foreign-install",
        StepKind.ForeignRemove => "foreign-remove",
        StepKind.ProcessStart => "process-start",
        StepKind.CheckTampering => "check-tampering",
        StepKind.Collect => "gc",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
