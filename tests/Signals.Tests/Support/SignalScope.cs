namespace Signals.Tests.Support;

/// <summary>
/// Keeps a signal handled for the length of a test, so that a delivery arriving a little early or late
/// never meets the default action (which would kill the test process). On dispose it first waits until
/// the signal is no longer pending anywhere in the process, then lets go.
/// </summary>
internal sealed class SignalScope : IDisposable
{
    private readonly SignalSubscription _guard;
    private readonly Signal[] _signals;

    public SignalScope(params Signal[] signals)
    {
        _signals = signals;
        _guard = SignalEvents.Subscribe(signals, static _ => { });
    }

    public void Dispose()
    {
        Poll.Until(() => !SignalMask.Pending().Intersect(_signals).Any());
        _guard.Dispose();
    }
}
