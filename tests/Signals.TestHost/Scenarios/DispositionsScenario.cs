namespace Signals.TestHost.Scenarios;

/// <summary>What a fresh .NET process has installed before anyone touches signals: one "SIGNAME=Kind" line each.</summary>
internal static class DispositionsScenario
{
    public static int Run()
    {
        foreach (var signal in new[] { Signal.SIGINT, Signal.SIGQUIT, Signal.SIGTERM, Signal.SIGUSR1, Signal.SIGPIPE, Signal.SIGCHLD })
            Report.Line($"{signal.Name}={SignalHandlers.Get(signal).Kind}");
        return ExitCodes.Ok;
    }
}
