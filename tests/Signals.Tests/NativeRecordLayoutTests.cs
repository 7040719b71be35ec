using System.Runtime.InteropServices;
using Signals.Interop;

namespace Signals.Tests;

/// <summary>NativeRecord is declared by hand (SWIG cannot emit a blittable struct): pin it to the C layout of signals_record.</summary>
[TestFixture]
public class NativeRecordLayoutTests
{
    [Test]
    public void SizeIsFortyBytesLikeTheCStruct() =>
        Assert.That(Marshal.SizeOf<NativeRecord>(), Is.EqualTo(40));

    [TestCase(nameof(NativeRecord.Signo), 0)]
    [TestCase(nameof(NativeRecord.Code), 4)]
    [TestCase(nameof(NativeRecord.SenderPid), 8)]
    [TestCase(nameof(NativeRecord.SenderUid), 12)]
    [TestCase(nameof(NativeRecord.Value), 16)]
    [TestCase(nameof(NativeRecord.TimestampNs), 24)]
    [TestCase(nameof(NativeRecord.Coalesced), 32)]
    [TestCase(nameof(NativeRecord.Reserved), 36)]
    public void FieldOffsetMatchesTheCStruct(string field, int offset) =>
        Assert.That(Marshal.OffsetOf<NativeRecord>(field).ToInt32(), Is.EqualTo(offset));

    [Test]
    public void ManagedSizeEqualsMarshalledSizeSoRecordsAreBlittable() =>
        Assert.That(Unsafe.SizeOf(), Is.EqualTo(40));

    private static class Unsafe
    {
        public static int SizeOf() => System.Runtime.CompilerServices.Unsafe.SizeOf<NativeRecord>();
    }
}
