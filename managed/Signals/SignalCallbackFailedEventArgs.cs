namespace Signals;

/// <summary>A callback threw while handling a signal.</summary>
public sealed class SignalCallbackFailedEventArgs : EventArgs
{
    internal SignalCallbackFailedEventArgs(SignalSubscription subscription, SignalEvent signalEvent, Exception exception)
    {
        Subscription = subscription;
        Event = signalEvent;
        Exception = exception;
    }

    /// <summary>The subscription whose callback threw.</summary>
    public SignalSubscription Subscription { get; }

    /// <summary>The event it was handling.</summary>
    public SignalEvent Event { get; }

    /// <summary>What it threw.</summary>
    public Exception Exception { get; }
}
