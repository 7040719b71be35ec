namespace Signals.Dispatch;

/// <summary>
/// Whether the metrics are off because the meter failed, and the one report that says so. Apart from
/// <see cref="SignalsMeter"/>, and naming no metrics type: when that type cannot initialise (its assembly failed to
/// load, EMFILE at the first delivery), every use of it throws, and this is what keeps the dispatcher out of it.
/// </summary>
internal static class MeterFailure
{
    private static volatile bool _off;
    private static volatile bool _loaded;
    private static int _reported;

    /// <summary>
    /// True once the meter exists (its assembly loaded, its instruments made). Kept here, not in SignalsMeter,
    /// so that asking does not load it: the dispatcher measures its first delivery after the callbacks, and the
    /// first signal's callback does not wait for the metrics assembly (bench: first_signal, 48 ms → 1 ms).
    /// </summary>
    internal static bool IsLoaded => _loaded;

    internal static void MarkLoaded() => _loaded = true;

    /// <summary>True once a measurement threw: nothing is measured for the rest of the process.</summary>
    internal static bool IsOff => _off;

    /// <summary>
    /// Turns the metrics off and says why, once. A meter that failed to initialise fails for good (the runtime keeps
    /// the type's initialisation error), and a listener that throws would throw on every delivery: in neither case
    /// may a measurement cost the dispatcher a delivery, so the measurements stop and the deliveries go on.
    /// </summary>
    internal static void TurnOff(Exception exception)
    {
        _off = true;
        if (Interlocked.Exchange(ref _reported, 1) == 0)
            StandardErrorReport.Write("the meter failed; metrics are off for the rest of this process, signals are still dispatched: " +
                Describe(exception));
    }

    // What failed, without the exception's message or ToString: when the meter's assembly could not be loaded (out
    // of descriptors), formatting either one looks up a resource string, whose first use loads ICU, and a process
    // that cannot load ICU is ended by the runtime (Environment.FailFast in GlobalizationMode). Type names, the
    // file name and the HResult (EMFILE is 0x80070004) come from fields, and no culture formats them.
    private static string Describe(Exception exception)
    {
        string description = "";
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            string? file = current switch
            {
                FileNotFoundException notFound => notFound.FileName,
                FileLoadException notLoaded => notLoaded.FileName,
                _ => null,
            };
            description += (description.Length == 0 ? "" : " <- ") + current.GetType().FullName +
                (file is null ? "" : " '" + file + "'") + " (HResult 0x" + Hex(current.HResult) + ")";
        }
        return description;
    }

    private static string Hex(int value)
    {
        Span<char> digits = stackalloc char[8];
        for (int i = 7; i >= 0; i--, value >>>= 4)
            digits[i] = "0123456789ABCDEF"[value & 0xF];
        return new string(digits);
    }
}
