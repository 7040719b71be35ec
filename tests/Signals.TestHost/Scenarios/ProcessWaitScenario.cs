using System.Diagnostics;

namespace Signals.TestHost.Scenarios;

/// <summary>
/// Process.Start + WaitForExit with our SIGCHLD subscription made before or after the first Process
/// (System.Native installs its SIGCHLD handler then). Exit 0 when every WaitForExit succeeded and we saw SIGCHLD.
/// </summary>
internal static class ProcessWaitScenario
{
    public static int Run(string order)
    {
        long ours = 0;
        SignalSubscription? subscription = null;
        void Subscribe() => subscription = SignalEvents.Subscribe(Signal.SIGCHLD, e => Interlocked.Add(ref ours, e.Count));
        if (order == "before")
            Subscribe();
        bool first = RunChild();
        Report.Line($"FIRST {first}");
        // System.Native installs its SIGCHLD handler at the first Process.Start, over ours when ours came first;
        // let the dispatcher's repair run before the second child, so that child meets the repaired state.
        Deadline.Until(() => SignalEvents.CheckTampering(repair: false).Count == 0);
        if (order == "after")
            Subscribe();
        bool second = RunChild();
        Report.Line($"SECOND {second}");
        bool seen = Deadline.Until(() => Interlocked.Read(ref ours) > 0);
        Report.Line($"SIGCHLD {Interlocked.Read(ref ours)}");
        subscription?.Dispose();
        if (!first || !second)
            return Report.Fail("WaitForExit did not see the child exit");
        return seen ? ExitCodes.Ok : Report.Fail("our SIGCHLD subscription received nothing");
    }

    private static bool RunChild()
    {
        using var child = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        return child.WaitForExit((int)Deadline.Generous.TotalMilliseconds) && child.ExitCode == 0;
    }
}
