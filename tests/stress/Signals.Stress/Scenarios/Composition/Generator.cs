namespace Signals.Stress.Scenarios.Composition;

/// <summary>
/// Picks the next step of a sequence from the seeded random source and the model's state: only steps whose
/// precondition holds (a live subscription to dispose, a signal that is safe to send...). Sends are the most
/// frequent, since they are what reveals a broken chain.
/// </summary>
internal static class Generator
{
    private static readonly (StepKind Kind, int Weight)[] Weights =
    [
        (StepKind.Send, 30), (StepKind.Subscribe, 14), (StepKind.Dispose, 10), (StepKind.SetHandler, 4),
        (StepKind.Restore, 3), (StepKind.SetDefault, 2), (StepKind.SetIgnored, 2), (StepKind.PosixCreate, 5),
        (StepKind.PosixDispose, 4), (StepKind.ForeignInstall, 4), (StepKind.ForeignRemove, 3),
        (StepKind.ProcessStart, 5), (StepKind.Collect, 2), (StepKind.CheckTampering, 2), (StepKind.Shutdown, 2),
        (StepKind.CancelKeyAdd, 1), (StepKind.CancelKeyRemove, 1),
    ];

    private static readonly int TotalWeight = Weights.Sum(w => w.Weight);

    /// <summary>The random source of sequence <paramref name="index"/> of <paramref name="seed"/> (stable across runs).</summary>
    public static Random For(int seed, int index) => new(unchecked(seed * 1_000_003 + index * 7919 + 17));

    public static Step Next(Random random, Model model, int id)
    {
        for (int attempt = 0; attempt < 200; attempt++)
        {
            var step = Candidate(random, model, id);
            if (step is not null && model.Applies(step))
                return step;
        }
        return new Step(id, StepKind.Collect);
    }

    private static Step? Candidate(Random random, Model model, int id)
    {
        int pick = random.Next(TotalWeight);
        var kind = Weights.First(w => (pick -= w.Weight) < 0).Kind;
        var step = new Step(id, kind);
        Signal AnySignal() => random.Next(12) == 0 ? Signal.SIGCHLD : model.Sendable[random.Next(model.Sendable.Count)];
        Signal Sendable() => model.Sendable[random.Next(model.Sendable.Count)];
        int? AnyOf(IEnumerable<int> ids) => ids.ToList() is { Count: > 0 } list ? list[random.Next(list.Count)] : null;
        switch (kind)
        {
            case StepKind.Subscribe:
                return step with
                {
                    Signal = AnySignal(),
                    Policy = random.Next(2) == 0 ? SignalPolicy.Handle : SignalPolicy.Observe,
                    Target = (CallbackTarget)random.Next(3),
                    Spawns = random.Next(4) == 0,
                };
            case StepKind.SetHandler:
                return step with { Signal = AnySignal(), Spawns = random.Next(4) == 0 };
            case StepKind.Restore or StepKind.SetDefault or StepKind.SetIgnored:
                return step with { Signal = AnySignal() };
            case StepKind.PosixCreate or StepKind.ForeignInstall or StepKind.ForeignRemove:
                return step with { Signal = Sendable() };
            case StepKind.Send:
                var signal = Sendable();
                return step with { Signal = signal, Count = signal.IsRealTime ? 1 + random.Next(3) : 1 };
            case StepKind.Dispose:
                return AnyOf(model.SubscriptionIds) is { } subscription ? step with { Ref = subscription } : null;
            case StepKind.PosixDispose:
                return AnyOf(model.RegistrationIds) is { } registration ? step with { Ref = registration } : null;
            case StepKind.CancelKeyRemove:
                return AnyOf(model.CancelKeyIds) is { } handler ? step with { Ref = handler } : null;
            case StepKind.ProcessStart:
                return step with { Spawns = random.Next(3) == 0 };
            default:
                return step;
        }
    }
}
