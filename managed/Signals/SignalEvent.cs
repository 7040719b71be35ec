using System.Diagnostics;
using Signals.Interop;

namespace Signals;

/// <summary>
/// One delivery of a signal, as the native handler recorded it: who sent it, with what value, when.
/// A value type: reading and dispatching events allocates nothing.
/// </summary>
public readonly struct SignalEvent
{
    private readonly NativeRecord _record;

    internal SignalEvent(in NativeRecord record) => _record = record;

    /// <summary>The signal.</summary>
    public Signal Signal => new(_record.Signo);

    /// <summary>The kernel's si_code, as is.</summary>
    public int RawCode => _record.Code;

    /// <summary>Where the delivery came from.</summary>
    public SignalCode Code => _record.Code switch
    {
        NativeConstants.CodeCoalesced => SignalCode.Coalesced,
        0 => SignalCode.User,
        -1 => SignalCode.Queue,
        -2 => SignalCode.Timer,
        -3 => SignalCode.MessageQueue,
        -4 => SignalCode.AsyncIO,
        -5 => SignalCode.IO,
        -6 => SignalCode.ThreadKill,
        0x80 => SignalCode.Kernel,
        > 0 when _record.Signo == 17 => SignalCode.Child,
        _ => SignalCode.Other,
    };

    /// <summary>The sending process (0 when the kernel sent it or the record is coalesced).</summary>
    public int SenderPid => _record.SenderPid;

    /// <summary>The real user id of the sender (0 when unknown).</summary>
    public uint SenderUid => _record.SenderUid;

    /// <summary>The value sent with sigqueue (0 otherwise).</summary>
    public long Value => _record.Value;

    /// <summary>When the handler ran, in <see cref="Stopwatch"/> ticks (both are CLOCK_MONOTONIC on Linux).</summary>
    public long Timestamp => Stopwatch.Frequency == 1_000_000_000
        ? _record.TimestampNs
        : (long)(_record.TimestampNs * (Stopwatch.Frequency / 1e9));

    /// <summary>How long ago the handler ran.</summary>
    public TimeSpan Age => Stopwatch.GetElapsedTime(Timestamp);

    /// <summary>How many deliveries this event stands for: 1, or N for a coalesced event.</summary>
    public int Count => _record.Code == NativeConstants.CodeCoalesced ? (int)Math.Min(_record.Coalesced, int.MaxValue) : 1;

    /// <summary>Whether this event stands for deliveries whose details were lost to a full pipe.</summary>
    public bool IsCoalesced => _record.Code == NativeConstants.CodeCoalesced;

    /// <inheritdoc/>
    public override string ToString() =>
        IsCoalesced ? $"{Signal} x{Count} (coalesced)" : $"{Signal} from pid {SenderPid} uid {SenderUid} ({Code})";
}
