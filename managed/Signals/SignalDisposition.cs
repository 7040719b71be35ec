namespace Signals;

/// <summary>
/// What <see cref="SignalHandlers.Get"/> reports and <see cref="SignalHandlers.Set(Signal, Action{SignalEvent})"/>
/// returns: Python's SIG_DFL, SIG_IGN, a handler function, or None (a native handler).
/// </summary>
public sealed class SignalDisposition
{
    private SignalDisposition(SignalDispositionKind kind, Action<SignalEvent>? handler, int subscriptions)
    {
        Kind = kind;
        Handler = handler;
        SubscriptionCount = subscriptions;
    }

    /// <summary>SIG_DFL.</summary>
    public static SignalDisposition Default { get; } = new(SignalDispositionKind.Default, null, 0);

    /// <summary>SIG_IGN.</summary>
    public static SignalDisposition Ignored { get; } = new(SignalDispositionKind.Ignored, null, 0);

    /// <summary>A native handler that is not ours (Python's None).</summary>
    public static SignalDisposition Native { get; } = new(SignalDispositionKind.Native, null, 0);

    internal static SignalDisposition Managed(Action<SignalEvent>? handler, int subscriptions) =>
        new(SignalDispositionKind.Managed, handler, subscriptions);

    /// <summary>Which of the four it is.</summary>
    public SignalDispositionKind Kind { get; }

    /// <summary>The handler set with <see cref="SignalHandlers.Set(Signal, Action{SignalEvent})"/>, if any.</summary>
    public Action<SignalEvent>? Handler { get; }

    /// <summary>For <see cref="SignalDispositionKind.Managed"/>: how many subscriptions receive the signal.</summary>
    public int SubscriptionCount { get; }

    /// <summary>SIG_DFL, SIG_IGN, the handler's method name, "subscriptions (N)" or "native handler".</summary>
    public override string ToString() => Kind switch
    {
        SignalDispositionKind.Default => "SIG_DFL",
        SignalDispositionKind.Ignored => "SIG_IGN",
        SignalDispositionKind.Native => "native handler",
        _ => Handler is not null ? Handler.Method.Name : $"subscriptions ({SubscriptionCount})",
    };
}
