namespace Signals.Interop;

/// <summary>The header's constants, re-exported under C# names (the generated ones keep the C names).</summary>
internal static class NativeConstants
{
    public const int CodeCoalesced = Native.SIGNALS_CODE_COALESCED;
    public const int CodeNoInfo = Native.SIGNALS_CODE_NO_INFO;
    public const uint RecordHandled = Native.SIGNALS_RECORD_HANDLED;
    public const int PolicyHandle = Native.SIGNALS_POLICY_HANDLE;
    public const int PolicyObserve = Native.SIGNALS_POLICY_OBSERVE;
    public const int DispositionDefault = Native.SIGNALS_DISPOSITION_DEFAULT;
    public const int DispositionIgnored = Native.SIGNALS_DISPOSITION_IGNORED;
    public const int DispositionOurs = Native.SIGNALS_DISPOSITION_OURS;
    public const int DispositionForeign = Native.SIGNALS_DISPOSITION_FOREIGN;
}
