namespace Signals;

/// <summary>Conversions between signal lists and the 64-bit masks the native library speaks.</summary>
internal static class SignalSet
{
    public static ulong ToMask(IEnumerable<Signal> signals)
    {
        ulong mask = 0;
        foreach (var signal in signals)
            mask |= 1UL << (signal.Number - 1);
        return mask;
    }

    public static IEnumerable<Signal> FromMask(ulong mask)
    {
        for (int number = 1; number <= Signal.MaxNumber; number++)
            if ((mask & (1UL << (number - 1))) != 0)
                yield return new Signal(number);
    }
}
