using System.Runtime.InteropServices;

namespace Signals.Interop;

/// <summary>
/// The C struct <c>signals_record</c>, declared by hand because SWIG cannot emit a blittable struct.
/// The wrapper pins the C layout with <c>_Static_assert</c>; NativeRecordLayoutTests pins this one.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeRecord
{
    public int Signo;
    public int Code;
    public int SenderPid;
    public uint SenderUid;
    public long Value;
    public long TimestampNs;
    public uint Coalesced;
    public uint Reserved; // flags: NativeConstants.RecordHandled

    /// <summary>Came under a Handle policy: the previous action did not run, so this delivery must reach someone.</summary>
    public readonly bool IsHandled => (Reserved & NativeConstants.RecordHandled) != 0;
}
