namespace Signals;

/// <summary>What is installed for a signal.</summary>
public enum SignalDispositionKind
{
    /// <summary>SIG_DFL: the kernel's default action.</summary>
    Default,
    /// <summary>SIG_IGN: the signal is discarded.</summary>
    Ignored,
    /// <summary>Our handler, feeding managed subscriptions.</summary>
    Managed,
    /// <summary>A native handler installed by someone else: the .NET runtime, a native library.</summary>
    Native,
}
