using System.Runtime.CompilerServices;

namespace Signals.Hosting.TestApp;

/// <summary>
/// Threads in known states, for the thread-stacks tests to find by method name: one blocked in Monitor.Wait, one in
/// Thread.Sleep, one spinning. NoInlining keeps each named method a frame of its own.
/// </summary>
internal static class KnownThreads
{
    private static readonly object Gate = new();

    internal static void Start()
    {
        Begin("known-waiter", BlockedInMonitorWait);
        Begin("known-sleeper", SleepingInThreadSleep);
        Begin("known-spinner", SpinningInLoop);
    }

    private static void Begin(string name, ThreadStart body) => new Thread(body) { Name = name, IsBackground = true }.Start();

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void BlockedInMonitorWait()
    {
        lock (Gate)
            Monitor.Wait(Gate);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void SleepingInThreadSleep() => Thread.Sleep(Timeout.Infinite);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void SpinningInLoop()
    {
        long turns = 0;
        while (true)
        {
            turns++;
            if ((turns & 0xFFFF) == 0)
                Thread.Yield(); // polite on a shared 2-core machine, still never blocked
        }
    }
}
