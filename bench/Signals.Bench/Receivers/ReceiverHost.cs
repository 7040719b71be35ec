namespace Signals.Bench.Receivers;

/// <summary>
/// What every .NET receiver shares: the delivery count and the allocation bookkeeping, and the control
/// protocol on stdin/stdout (see bench/native/bench_common.h): "ready" once set up, "mark" starts the
/// steady-state allocation window, "stats" reports it, end of stdin ends the process.
/// </summary>
internal sealed class ReceiverHost
{
    private long _deliveries;
    private long _markDeliveries;
    private long _markProcessBytes;
    private long _lastDeliveryTimestamp; // Stopwatch (CLOCK_MONOTONIC ns); only receivers that call DeliveredAt set it

    // Written only by callbacks on the one dispatcher thread; read by "stats" after the rounds are over.
    private volatile bool _threadMarkRequested;
    private long _threadMarkBytes = -1, _threadMarkDeliveries, _threadLastBytes, _threadLastDeliveries;

    public void Delivered(int count) => Interlocked.Add(ref _deliveries, count);

    /// <summary>One delivery, and its time: for a receiver that cannot acknowledge a flood's total (FloodRow).</summary>
    public void DeliveredAt(long timestamp)
    {
        Volatile.Write(ref _lastDeliveryTimestamp, timestamp);
        Interlocked.Increment(ref _deliveries);
    }

    /// <summary>
    /// Called at the start of each callback on the dispatcher thread: the bytes that thread allocated
    /// between two callbacks are the whole dispatch path (read, decode, dispatch) of one delivery.
    /// </summary>
    public void OnDispatcherThread()
    {
        long bytes = GC.GetAllocatedBytesForCurrentThread();
        long deliveries = Interlocked.Read(ref _deliveries);
        if (_threadMarkRequested)
        {
            _threadMarkBytes = bytes;
            _threadMarkDeliveries = deliveries;
            _threadMarkRequested = false;
        }
        _threadLastBytes = bytes;
        _threadLastDeliveries = deliveries;
    }

    public int Run()
    {
        Console.Out.WriteLine("ready");
        Console.Out.Flush();
        while (Console.In.ReadLine() is { } line)
        {
            if (line == "mark")
            {
                _markProcessBytes = GC.GetTotalAllocatedBytes(precise: true);
                _markDeliveries = Interlocked.Read(ref _deliveries);
                _threadMarkRequested = true;
                Console.Out.WriteLine("ok");
            }
            else if (line == "stats")
            {
                long processBytes = GC.GetTotalAllocatedBytes(precise: true) - _markProcessBytes;
                long deliveries = Interlocked.Read(ref _deliveries);
                long threadBytes = _threadMarkBytes < 0 ? -1 : _threadLastBytes - _threadMarkBytes;
                Console.Out.WriteLine($"stats received={deliveries} process_bytes={processBytes} " +
                    $"process_deliveries={deliveries - _markDeliveries} thread_bytes={threadBytes} " +
                    $"thread_deliveries={_threadLastDeliveries - _threadMarkDeliveries} last_ns={Volatile.Read(ref _lastDeliveryTimestamp)}");
            }
            else
            {
                Console.Out.WriteLine("ok");
            }
            Console.Out.Flush();
        }
        return 0;
    }
}
