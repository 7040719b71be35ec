namespace Signals.Demo;

/// <summary>
/// Makes .NET's System.Native install its console signal handlers now, before the demo installs its own.
/// </summary>
/// <remarks>
/// The first write to a console stream runs <c>ConsolePal.EnsureConsoleInitialized</c>, which installs
/// System.Native's SIGINT handler over whatever is there. Installed after ours, it would own SIGINT until the
/// dispatcher's tamper check (every 200 ms) reinstalls ours, and a SIGINT in that window would reach us only
/// re-sent by the runtime, with the demo's own pid as sender. Measured with SignalEvents.CheckTampering:
/// subscribe, then write: SIGINT tampered; an empty write first, then subscribe: nothing tampered.
/// </remarks>
public static class ConsoleSignalSetup
{
    /// <summary>Writes zero bytes to stdout, which initializes the console (and its signal handling) without output.</summary>
    public static void InitializeConsoleFirst()
    {
        using var stdout = Console.OpenStandardOutput();
        stdout.Write(ReadOnlySpan<byte>.Empty);
    }
}
