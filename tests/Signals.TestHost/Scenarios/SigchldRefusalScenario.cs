using System.Diagnostics;

namespace Signals.TestHost.Scenarios;

/// <summary>
/// SignalHandlers refuses what would break Process.WaitForExit: after a Process.Start (System.Native's SIGCHLD
/// handler installed), SIG_IGN and SIG_DFL on SIGCHLD throw InvalidOperationException naming SIGCHLD, also with
/// our handler on top; SIG_DFL on SIGCONT (the runtime's handler) too. Restore is the way back. Then a child still
/// starts and WaitForExit sees it exit. One "REFUSED what: message" line per refusal; exit 0 when all held.
/// </summary>
internal static class SigchldRefusalScenario
{
    public static int Run()
    {
        if (!RunChild())
            return Report.Fail("the first WaitForExit did not see the child exit");

        if (!Refused("SIGCHLD Ignored", () => SignalHandlers.Set(Signal.SIGCHLD, SignalDisposition.Ignored), "SIGCHLD") ||
            !Refused("SIGCHLD Default", () => SignalHandlers.Set(Signal.SIGCHLD, SignalDisposition.Default), "SIGCHLD") ||
            !Refused("SIGCONT Default", () => SignalHandlers.Set(Signal.SIGCONT, SignalDisposition.Default), "SIGCONT"))
            return ExitCodes.Failed;

        long ours = 0;
        SignalHandlers.Set(Signal.SIGCHLD, e => Interlocked.Add(ref ours, e.Count));
        if (!Refused("SIGCHLD Default over ours", () => SignalHandlers.Set(Signal.SIGCHLD, SignalDisposition.Default), "SignalHandlers.Restore") ||
            !Refused("SIGCHLD Ignored over ours", () => SignalHandlers.Set(Signal.SIGCHLD, SignalDisposition.Ignored), "SIGCHLD"))
            return ExitCodes.Failed;
        if (!RunChild())
            return Report.Fail("WaitForExit failed with our SIGCHLD handler set");
        SignalHandlers.Restore(Signal.SIGCHLD);
        Report.Line($"SIGCHLD after Restore={SignalHandlers.Get(Signal.SIGCHLD).Kind}");

        bool waited = RunChild();
        Report.Line($"WAITED {waited}");
        return waited ? ExitCodes.Ok : Report.Fail("WaitForExit did not see the last child exit");
    }

    private static bool Refused(string what, Action set, string expectedInMessage)
    {
        try
        {
            set();
        }
        catch (InvalidOperationException exception)
        {
            if (!exception.Message.Contains(expectedInMessage, StringComparison.Ordinal))
                return Fail($"{what} was refused without '{expectedInMessage}' in the message: {exception.Message}");
            Report.Line($"REFUSED {what}: {exception.Message}");
            return true;
        }
        return Fail($"{what} was not refused");
    }

    private static bool Fail(string why)
    {
        Report.Fail(why);
        return false;
    }

    private static bool RunChild()
    {
        using var child = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        return child.WaitForExit(10_000) && child.ExitCode == 0;
    }
}
