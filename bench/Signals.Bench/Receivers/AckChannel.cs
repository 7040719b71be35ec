using System.Buffers.Binary;

namespace Signals.Bench.Receivers;

/// <summary>
/// The receiver's end of the acknowledgement FIFO the sender blocks on. Opened read-write (Linux allows
/// it on a FIFO) so the open never waits for the other end. Writing allocates nothing: an unbuffered
/// FileStream on a non-seekable handle writes a span with one write(2) (RandomAccess.Write itself refuses
/// non-seekable handles).
/// </summary>
internal sealed class AckChannel : IDisposable
{
    private static readonly byte[] OneByte = [(byte)'a'];
    private readonly FileStream _fifo;

    public AckChannel(string path) =>
        _fifo = new FileStream(File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite), FileAccess.Write, bufferSize: 0);

    /// <summary>The ping-pong acknowledgement: one byte.</summary>
    public void Acknowledge() => _fifo.Write(OneByte);

    /// <summary>
    /// The isolated-signal acknowledgement: the CLOCK_MONOTONIC reading at the start of the callback, 8 bytes
    /// (Stopwatch on Linux is CLOCK_MONOTONIC in nanoseconds, the clock the sender read before sending).
    /// </summary>
    public void AcknowledgeTime(long monotonicNs) => AcknowledgeCount(monotonicNs);

    /// <summary>The end of a flood burst: the count received, 8 bytes in native (little-endian) order.</summary>
    public void AcknowledgeCount(long count)
    {
        Span<byte> bytes = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, count);
        _fifo.Write(bytes);
    }

    public void Dispose() => _fifo.Dispose();
}
