using System.Runtime.CompilerServices;

namespace Signals.Stress.Scenarios;

/// <summary>
/// Child-process probes for R5: what happens to the runtime when SignalMask lets a thread block a signal the
/// library refuses to handle. Each prints "survived" and exits 0 when the runtime still works (or when
/// SignalMask refused the block, which is the fix); the parent reads a death by signal or a hang as a finding.
/// </summary>
internal static class BlockedRuntimeSignalsProbe
{
    /// <summary>Blocks SIGSEGV, then dereferences null: .NET turns the SIGSEGV into a NullReferenceException.</summary>
    public static bool NullReferenceWithSigsegvBlocked()
    {
        TryBlock(Signal.SIGSEGV);
        try
        {
            Touch(null);
        }
        catch (NullReferenceException)
        {
            Console.WriteLine("survived: NullReferenceException caught");
        }
        return true;
    }

    /// <summary>Blocks SIGRTMIN on a thread that spins in a loop, then forces a GC (which must suspend that thread).</summary>
    public static bool CollectWithActivationSignalBlocked()
    {
        bool stop = false;
        var spinner = new Thread(() =>
        {
            TryBlock(Signal.RealTimeMin);
            long spins = 0;
            while (!Volatile.Read(ref stop))
                spins++;
            GC.KeepAlive(spins);
        }) { IsBackground = true };
        spinner.Start();
        Thread.Sleep(500);
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        Volatile.Write(ref stop, true);
        spinner.Join();
        Console.WriteLine("survived: GC.Collect returned");
        return true;
    }

    private static void TryBlock(Signal signal)
    {
        try
        {
            SignalMask.Block([signal]);
            Console.Error.WriteLine($"probe: SignalMask.Block({signal}) accepted");
        }
        catch (ArgumentException refused)
        {
            Console.Error.WriteLine($"probe: SignalMask.Block({signal}) refused: {refused.Message}");
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Touch(int[]? array) => array![0];
}
