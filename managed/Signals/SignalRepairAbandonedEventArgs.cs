namespace Signals;

/// <summary>
/// The periodic tamper repair gave up on a signal: someone kept putting SIG_DFL or SIG_IGN back over our
/// handler (another copy of this library, another library that repairs too), and two repairers must not
/// fight forever.
/// </summary>
public sealed class SignalRepairAbandonedEventArgs : EventArgs
{
    internal SignalRepairAbandonedEventArgs(Signal signal, int repairs, TimeSpan window)
    {
        Signal = signal;
        Repairs = repairs;
        Window = window;
    }

    /// <summary>The signal that is no longer repaired (until a new subscription to it or an explicit <see cref="SignalEvents.CheckTampering"/>).</summary>
    public Signal Signal { get; }

    /// <summary>How many repairs were made within <see cref="Window"/> before giving up.</summary>
    public int Repairs { get; }

    /// <summary>The time span the repairs were counted over.</summary>
    public TimeSpan Window { get; }
}
