namespace Signals.TestHost.Scenarios;

/// <summary>
/// What a fresh .NET process has installed before anyone touches signals: one "SIGNAME=Kind" line each; then
/// whether SignalHandlers.Restore puts the runtime's SIGINT handler back ("SIGINT after Set and Restore=Kind").
/// </summary>
internal static class DispositionsScenario
{
    public static int Run()
    {
        foreach (var signal in new[] { Signal.SIGINT, Signal.SIGQUIT, Signal.SIGTERM, Signal.SIGUSR1, Signal.SIGPIPE, Signal.SIGCHLD })
            Report.Line($"{signal.Name}={SignalHandlers.Get(signal).Kind}");
        SignalHandlers.Set(Signal.SIGINT, _ => { });
        Report.Line($"SIGINT while set={SignalHandlers.Get(Signal.SIGINT).Kind}");
        SignalHandlers.Restore(Signal.SIGINT);
        Report.Line($"SIGINT after Set and Restore={SignalHandlers.Get(Signal.SIGINT).Kind}");
        return ExitCodes.Ok;
    }
}
