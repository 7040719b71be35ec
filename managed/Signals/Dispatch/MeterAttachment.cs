namespace Signals.Dispatch;

/// <summary>
/// One <see cref="SignalsMeter.UseMeterFactory"/>: while it is the newest live attachment, its instruments are the
/// ones that count. Dispose is idempotent.
/// </summary>
internal sealed class MeterAttachment(SignalsInstruments instruments) : IDisposable
{
    public SignalsInstruments Instruments { get; } = instruments;

    public void Dispose() => SignalsMeter.Detach(this);
}
