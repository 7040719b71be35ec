namespace Signals;

/// <summary>Where a subscription's callback runs.</summary>
public enum CallbackTarget
{
    /// <summary>On the dispatcher thread ("Signals dispatcher"), in delivery order. No allocation per signal.</summary>
    Dispatcher,
    /// <summary>On the ThreadPool; callbacks may run concurrently and out of order.</summary>
    ThreadPool,
    /// <summary>Posted to the SynchronizationContext captured when subscribing (e.g. a UI or single-threaded loop).</summary>
    SynchronizationContext,
}
