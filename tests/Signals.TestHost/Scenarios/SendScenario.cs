namespace Signals.TestHost.Scenarios;

/// <summary>Sends one signal to <c>pid</c> (the test process), with sigqueue when a value is given.</summary>
internal static class SendScenario
{
    public static int Run(int pid, Signal signal, string value)
    {
        if (value.Length > 0)
            SignalSender.Queue(pid, signal, long.Parse(value));
        else
            SignalSender.Kill(pid, signal);
        Report.Line($"SENT {signal.Name} from {Environment.ProcessId}");
        return ExitCodes.Ok;
    }
}
