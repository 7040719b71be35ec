using System.Diagnostics;

namespace Signals.Stress.Scenarios;

/// <summary>
/// Child-process probe for R7 (regression test): a SIGCHLD subscription made before the runtime's first
/// Process.Start, then a pause longer than the dispatcher's tamper-check interval (200 ms), then a child:
/// Process.WaitForExit must still see it end. Prints "survived" when it does.
/// </summary>
internal static class SigchldFirstProbe
{
    public static bool Run()
    {
        using var observer = SignalEvents.Subscribe(Signal.SIGCHLD, _ => { }, new SubscriptionOptions { Policy = SignalPolicy.Observe });
        bool first = WaitForChild();
        Thread.Sleep(1000);
        var tampered = SignalEvents.CheckTampering(repair: false);
        bool second = WaitForChild();
        Console.Error.WriteLine($"probe: WaitForExit before the pause {first}, after it {second}; SIGCHLD now: {SignalHandlers.Get(Signal.SIGCHLD)}, tampered: [{string.Join(",", tampered)}]");
        if (first && second)
            Console.WriteLine("survived: Process.WaitForExit works");
        return first && second;
    }

    private static bool WaitForChild()
    {
        using var child = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "exit 7"]) { UseShellExecute = false })!;
        return child.WaitForExit(TimeSpan.FromSeconds(20)) && child.ExitCode == 7;
    }
}
