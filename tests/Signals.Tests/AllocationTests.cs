namespace Signals.Tests;

/// <summary>
/// No managed allocation per delivered signal on the dispatcher path, in steady state. Measured on the
/// dispatcher thread itself (GC.GetAllocatedBytesForCurrentThread inside the callback), so the test
/// runner's own allocations do not blur it. A control run with an allocating callback proves the probe sees
/// per-signal allocation when there is some.
/// </summary>
[TestFixture, NonParallelizable]
public class AllocationTests
{
    private const int Warmup = 300;
    private const int Burst = 2000;
    private const int Chunk = 100; // sent, then waited for: the pipe never fills, so each delivery is one callback
    private static readonly Signal Sig = Signal.SIGUSR2;
    private static object? _sink;

    /// <summary>Bytes the dispatcher thread allocated across <see cref="Burst"/> callbacks after a warm-up.</summary>
    private static long DispatcherBytesAcrossBurst(bool allocateInCallback)
    {
        var stamps = new long[Warmup + Burst];
        int calls = 0;
        using var subscription = SignalEvents.Subscribe(Sig, _ =>
        {
            if (allocateInCallback)
                _sink = new object();
            if (calls < stamps.Length)
                stamps[calls] = GC.GetAllocatedBytesForCurrentThread();
            Volatile.Write(ref calls, calls + 1);
        });
        for (int sent = 0; sent < Warmup + Burst;)
        {
            for (int i = 0; i < Chunk; i++)
                SignalSender.Raise(Sig); // thread-directed: the handler has run when Raise returns
            sent += Chunk;
            Poll.Expect(() => Volatile.Read(ref calls) >= sent, $"{sent} callbacks");
        }
        Assert.That(Volatile.Read(ref calls), Is.EqualTo(Warmup + Burst), "one callback per delivery");
        return stamps[^1] - stamps[Warmup - 1];
    }

    [Test]
    public void DispatchingAllocatesNothingPerSignal()
    {
        long bytes = DispatcherBytesAcrossBurst(allocateInCallback: false);
        // The smallest object is 24 bytes: allocating per signal would show at least 24 * Burst here.
        // Allowing under one byte per signal leaves room only for a rare one-off, never a per-signal cost.
        Assert.That(bytes, Is.LessThan(Burst), $"the dispatcher thread allocated {bytes} bytes over {Burst} signals");
    }

    [Test]
    public void ControlTheProbeSeesAnAllocatingCallback()
    {
        long bytes = DispatcherBytesAcrossBurst(allocateInCallback: true);
        Assert.That(bytes, Is.GreaterThanOrEqualTo(24L * Burst));
    }
}
