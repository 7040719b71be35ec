namespace Signals.TestHost.Scenarios;

/// <summary>
/// Issue 11: what an idle subscriber costs in memory is mostly the assemblies and code it pulls in. A process
/// subscribes to three signals and then only lets the dispatcher's periodic tamper check run (200 ms, then
/// 400 ms: two checks within 1.5 s). The assemblies loaded meanwhile are reported, one line each, as
/// "LOADED name"; the test forbids the ones only rare paths need (LINQ, System.Collections, metrics).
/// </summary>
internal static class IdleFootprintScenario
{
    // Two periodic checks (200 ms after the change, then 400 ms more) fit in this, with room for a slow machine.
    private static readonly TimeSpan TwoChecks = TimeSpan.FromMilliseconds(1500);

    public static int Run()
    {
        var before = LoadedAssemblyNames();
        using var subscription = SignalEvents.Subscribe([Signal.SIGHUP, Signal.SIGTERM, Signal.SIGUSR1], static _ => { });
        Report.Line("SUBSCRIBED");
        Thread.Sleep(TwoChecks); // nothing to wait for: the checks happen or not; what they load is the point
        foreach (string name in LoadedAssemblyNames())
        {
            if (!before.Contains(name))
                Report.Line($"LOADED {name}");
        }
        Report.Line("DONE");
        return ExitCodes.Ok;
    }

    // A plain array and loop: this scenario must not itself load what the test forbids.
    private static string[] LoadedAssemblyNames()
    {
        var assemblies = AppDomain.CurrentDomain.GetAssemblies();
        var names = new string[assemblies.Length];
        for (int i = 0; i < assemblies.Length; i++)
            names[i] = assemblies[i].GetName().Name ?? "";
        return names;
    }
}
