namespace Signals.TestHost.Scenarios;

/// <summary>Reads "handle" / "observe" from the command line.</summary>
internal static class Policies
{
    public static SignalPolicy Parse(string text) => text switch
    {
        "handle" => SignalPolicy.Handle,
        "observe" => SignalPolicy.Observe,
        _ => throw new ArgumentException($"expected handle or observe, got '{text}'"),
    };
}
