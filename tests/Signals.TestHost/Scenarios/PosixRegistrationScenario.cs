using System.Runtime.InteropServices;

namespace Signals.TestHost.Scenarios;

/// <summary>
/// A PosixSignalRegistration(SIGUSR1) made before our subscription, then disposed: System.Native puts back the
/// action it saved (SIG_DFL), wiping ours. We must notice (CheckTampering, or the dispatcher's own repair) and
/// still receive the SIGUSR1 the parent sends after READY, instead of dying by it.
/// </summary>
internal static class PosixRegistrationScenario
{
    public static int Run(string repair)
    {
        int ours = 0;
        var registration = PosixSignalRegistration.Create((PosixSignal)Signal.SIGUSR1.Number, context => context.Cancel = true);
        if (repair == "explicit")
            SignalEvents.RepairTampering = false; // so the check below, not the dispatcher, finds the overwrite
        using var subscription = SignalEvents.Subscribe(Signal.SIGUSR1, _ => Interlocked.Increment(ref ours));
        registration.Dispose();
        Report.Line("AFTER-DISPOSE " + SignalHandlers.Get(Signal.SIGUSR1).Kind);
        if (repair == "explicit")
        {
            Report.Line("TAMPERED " + string.Join(",", SignalEvents.CheckTampering(repair: false)));
            SignalEvents.CheckTampering(repair: true);
        }
        else if (!Deadline.Until(() => SignalEvents.CheckTampering(repair: false).Count == 0))
        {
            return Report.Fail("the dispatcher did not repair the overwritten handler");
        }
        Report.Line("REPAIRED " + SignalHandlers.Get(Signal.SIGUSR1).Kind);
        Report.Line("READY");
        if (!Deadline.Until(() => Volatile.Read(ref ours) > 0))
            return Report.Fail("SIGUSR1 never reached our subscription", ExitCodes.TimedOut);
        Report.Line("RECEIVED");
        return ExitCodes.Ok;
    }
}
