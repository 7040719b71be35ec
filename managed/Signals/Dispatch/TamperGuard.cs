using System.Runtime.CompilerServices;
using Signals.Interop;

namespace Signals.Dispatch;

/// <summary>
/// Finds and repairs tampering: SIG_DFL or SIG_IGN put over our handler while a subscription needs it
/// (System.Native does this when a PosixSignalRegistration made before ours is disposed). A handler
/// function put over ours is not tampering: it is the next owner of the signal, which calls ours as its
/// previous action or chose not to; putting ours back on top would cut it out. The dispatcher's native wait
/// (signals_read_wait_checked) keeps the schedule and does the clean checks itself (no timer, and an idle
/// process runs no managed code); it returns to <see cref="CheckPeriodically"/> only when it found something.
/// So that two repairers (another copy of this library, another library that repairs) cannot fight
/// forever, the periodic check repairs a signal at most
/// <see cref="MaxRepairs"/> times within <see cref="RepairWindow"/>; after that it leaves the signal alone and
/// reports it once (<see cref="SignalEvents.RepairAbandoned"/>) until a new subscription or an explicit
/// <see cref="SignalEvents.CheckTampering"/> re-arms it.
/// </summary>
internal static class TamperGuard
{
    internal const int MaxRepairs = 3;
    internal static readonly TimeSpan RepairWindow = TimeSpan.FromSeconds(10);

    // All guarded by SignalRegistry.Gate. The repair history is made at the first repair: a process that only
    // subscribes never loads Queue (System.Collections) nor anything else the repair path uses.
    private static Queue<long>?[]? _recentRepairs;
    private static readonly bool[] Abandoned = new bool[Signal.MaxNumber + 1];
    private static readonly Signal[] NoSignals = new Signal[0];

    /// <summary>Forgets past repairs of a signal: our handler was installed for it again. Called with the Gate held.</summary>
    internal static void Rearm(int number)
    {
        if (_recentRepairs is not null)
            ForgetRepairs(number);
        Abandoned[number] = false;
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // see _recentRepairs
    private static void ForgetRepairs(int number) => _recentRepairs![number]?.Clear();

    /// <summary>
    /// The tampered signals (see the summary), repairing them when <paramref name="repair"/> is true.
    /// An explicit call always repairs and re-arms; the periodic one (<paramref name="periodic"/>) is bounded.
    /// </summary>
    internal static IReadOnlyList<Signal> Check(bool repair, bool periodic)
    {
        ulong tampered = Native.SignalsTampered();
        return tampered == 0 ? NoSignals : CheckTampered(tampered, repair, periodic);
    }

    // Apart from Check, and not inlined: what it uses (LINQ, lists, the meter) is loaded when something was
    // tampered with, not by the periodic check of an idle process (bench: rss_added_mb).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<Signal> CheckTampered(ulong tampered, bool repair, bool periodic)
    {
        var signals = SignalSet.FromMask(tampered).Where(IsOverwrittenByBuiltin).ToList();
        if (signals.Count == 0 || !repair)
            return signals;
        var abandoned = new List<Signal>();
        lock (SignalRegistry.Gate)
        {
            foreach (var signal in signals)
            {
                int number = signal.Number;
                // Looked at again under the Gate: the last subscription may have gone meanwhile (then the
                // action the user is left with is theirs), or someone may have put a function handler there.
                if (SignalRegistry.For(number).Length == 0 || !IsOverwrittenByBuiltin(signal))
                    continue;
                if (periodic && !MayRepair(number, abandoned, signal))
                    continue;
                if (!periodic)
                    Rearm(number);
                int result = Native.SignalsReinstall(number);
                if (result < 0 && -result != NativeResult.ENOENT)
                    NativeResult.Check(result, $"Reinstalling the handler for {signal}");
                if (result >= 0)
                    SignalsMeter.TamperRepaired(signal);
            }
        }
        foreach (var signal in abandoned)
            SignalEvents.ReportRepairAbandoned(signal, MaxRepairs, RepairWindow);
        return signals;
    }

    private static bool IsOverwrittenByBuiltin(Signal signal) =>
        Native.SignalsDisposition(signal.Number) is NativeConstants.DispositionDefault or NativeConstants.DispositionIgnored;

    // The bound: at most MaxRepairs within RepairWindow, then abandoned (reported once, by the caller).
    private static bool MayRepair(int number, List<Signal> abandoned, Signal signal)
    {
        if (Abandoned[number])
            return false;
        var recent = (_recentRepairs ??= new Queue<long>?[Signal.MaxNumber + 1])[number] ??= new Queue<long>();
        long now = Environment.TickCount64;
        while (recent.Count > 0 && now - recent.Peek() > (long)RepairWindow.TotalMilliseconds)
            recent.Dequeue();
        if (recent.Count >= MaxRepairs)
        {
            Abandoned[number] = true;
            abandoned.Add(signal);
            return false;
        }
        recent.Enqueue(now);
        return true;
    }

    /// <summary>
    /// The periodic check, on the dispatcher thread between batches: an exception here would end the dispatcher,
    /// so it is reported instead. Tells the native schedule whether it repaired something (then the next check
    /// comes soon again) or not (then it backs off).
    /// </summary>
    internal static void CheckPeriodically()
    {
        bool repaired = false;
        try
        {
            ulong tampered = SignalEvents.RepairTampering ? Native.SignalsTampered() : 0;
            if (tampered != 0)
                repaired = RepairPeriodically(tampered);
        }
        catch (Exception exception)
        {
            StandardErrorReport.Write($"the periodic tamper check failed; it runs again within 200 ms. {exception.Message}");
            repaired = true;
        }
        Native.SignalsCheckDone(repaired ? 1 : 0);
    }

    // Not inlined, like CheckTampered: the list it walks is System.Collections, which an idle process never needs.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool RepairPeriodically(ulong tampered)
    {
        bool repaired = false;
        foreach (var signal in CheckTampered(tampered, repair: true, periodic: true))
            repaired |= !Volatile.Read(ref Abandoned[signal.Number]); // an abandoned signal must not keep the checks fast
        return repaired;
    }
}
