namespace Signals.Hosting;

/// <summary>
/// The message written just before the process ends by a signal. It goes through the logger and stderr, either of
/// which can block for good: a console logger's queue that is full, a stdout or stderr pipe that nobody reads (a
/// common reason why a shutdown hangs in the first place). So it is written on a thread of its own, and the caller
/// waits for it only a short, bounded time before ending the process anyway.
/// </summary>
internal static class LastWords
{
    /// <summary>How long the caller waits for the message to be written.</summary>
    internal static readonly TimeSpan Patience = TimeSpan.FromSeconds(1);

    /// <summary>Runs <paramref name="write"/> on a new background thread; returns when it is done or after <see cref="Patience"/>.</summary>
    internal static void Say(Action write)
    {
        var writer = new Thread(() =>
        {
            // An exception here would end the process with a crash instead of by the signal: the message is best effort.
            try { write(); }
            catch (Exception) { }
        })
        {
            Name = "Signals last words",
            IsBackground = true,
        };
        writer.Start();
        writer.Join(Patience);
    }
}
