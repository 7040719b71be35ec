namespace Signals.Stress.Infrastructure;

/// <summary>
/// Heavy allocation on a background thread plus a forced, blocking, compacting full GC every
/// <c>interval</c>: the receiver's runtime suspends every managed thread (through SIGRTMIN) again and
/// again while signals land on them.
/// </summary>
internal sealed class AllocationPressure : IDisposable
{
    private readonly Thread _allocator;
    private readonly Thread _collector;
    private volatile bool _stop;
    private readonly int _startCollections = GC.CollectionCount(2);

    public AllocationPressure(TimeSpan interval)
    {
        _allocator = new Thread(Allocate) { Name = "stress allocator", IsBackground = true };
        _collector = new Thread(() => Collect(interval)) { Name = "stress collector", IsBackground = true };
        _allocator.Start();
        _collector.Start();
    }

    public long AllocatedBytes { get; private set; }

    public int FullCollections => GC.CollectionCount(2) - _startCollections;

    private void Allocate()
    {
        var random = new Random(6);
        var survivors = new List<byte[]>();
        long allocated = 0;
        while (!_stop)
        {
            var array = new byte[random.Next(16, 64 * 1024)];
            allocated += array.Length;
            // Keep a rotating set alive so that collections have real work to move.
            if (survivors.Count < 2048)
                survivors.Add(array);
            else
                survivors[random.Next(survivors.Count)] = array;
        }
        AllocatedBytes = allocated;
    }

    private void Collect(TimeSpan interval)
    {
        while (!_stop)
        {
            Thread.Sleep(interval);
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        }
    }

    public void Dispose()
    {
        _stop = true;
        _allocator.Join();
        _collector.Join();
    }
}
