namespace Signals.Hosting;

/// <summary>The termination signal that began a drain (<see cref="SignalHostingOptions.ShutdownDelay"/>), and its delay.</summary>
public sealed class ShutdownDrainingEventArgs(SignalEvent signal, TimeSpan delay) : EventArgs
{
    /// <summary>The delivery of SIGTERM (or SIGINT) that began the drain.</summary>
    public SignalEvent Signal { get; } = signal;

    /// <summary>How long the application keeps serving before StopApplication is called (a second signal cuts it short).</summary>
    public TimeSpan Delay { get; } = delay;
}
