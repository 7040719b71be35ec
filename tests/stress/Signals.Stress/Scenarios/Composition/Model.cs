namespace Signals.Stress.Scenarios.Composition;

/// <summary>The reference model of the whole worker process: one <see cref="SignalModel"/> per signal the sequences use, and the live handles by the id of the step that made them.</summary>
internal sealed class Model
{
    public Model(IReadOnlyList<Signal> sendable)
    {
        Sendable = sendable;
        foreach (var signal in sendable.Append(Signal.SIGCHLD))
            Signals[signal] = new SignalModel(signal);
    }

    /// <summary>Signals the driver sends (no default action left to chance: see <see cref="SignalModel.IsSafeToSend"/>).</summary>
    public IReadOnlyList<Signal> Sendable { get; }

    public Dictionary<Signal, SignalModel> Signals { get; } = [];
    public Dictionary<int, LiveSubscription> Subscriptions { get; } = [];
    public Dictionary<int, LiveRegistration> Registrations { get; } = [];
    public Dictionary<int, ConsoleCancelEventHandler> CancelKeyHandlers { get; } = [];

    public IEnumerable<int> SubscriptionIds => Subscriptions.Where(pair => !pair.Value.IsHandler).Select(pair => pair.Key);
    public IEnumerable<int> RegistrationIds => Registrations.Keys;
    public IEnumerable<int> CancelKeyIds => CancelKeyHandlers.Keys;

    public SignalModel this[Signal signal] => Signals[signal];

    /// <summary>The precondition of a step, checked when it is generated and again when it is replayed.</summary>
    public bool Applies(Step step) => step.Kind switch
    {
        StepKind.Subscribe or StepKind.SetHandler or StepKind.Restore => Signals.ContainsKey(step.Signal),
        StepKind.Dispose => Subscriptions.TryGetValue(step.Ref, out var subscription) && !subscription.IsHandler,
        // SignalHandlers.Set(Default/Ignored) refuses while other subscriptions receive the signal.
        StepKind.SetDefault or StepKind.SetIgnored => Signals.TryGetValue(step.Signal, out var model) &&
                                                      model.Subscriptions.All(s => s.IsHandler),
        StepKind.PosixCreate => Sendable.Contains(step.Signal),
        StepKind.PosixDispose => Registrations.ContainsKey(step.Ref),
        StepKind.ForeignInstall => Sendable.Contains(step.Signal) && !Signals[step.Signal].ForeignPresent,
        StepKind.ForeignRemove => Sendable.Contains(step.Signal) && Signals[step.Signal].ForeignActive,
        StepKind.CancelKeyAdd => CancelKeyHandlers.Count == 0,
        StepKind.CancelKeyRemove => CancelKeyHandlers.ContainsKey(step.Ref),
        StepKind.Send => Sendable.Contains(step.Signal) && step.Count >= 1 && (step.Signal.IsRealTime || step.Count == 1) &&
                         Signals[step.Signal].IsSafeToSend(SignalHandlers.Get(step.Signal).Kind),
        _ => true,
    };
}
