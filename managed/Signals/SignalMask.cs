using System.Diagnostics;
using Signals.Interop;

namespace Signals;

/// <summary>
/// Python's <c>pthread_sigmask</c> and <c>sigpending</c>, plus the real <c>sigwaitinfo</c>/<c>sigtimedwait</c>
/// for signals blocked on the calling thread. These act on the calling thread only. In .NET a signal sent to the
/// process may land on any thread that does not block it, so a blocked-signal wait sees thread-directed signals
/// (<see cref="SignalSender.ThreadKill"/>, <see cref="SignalSender.PthreadKill"/>) reliably; for process-directed
/// ones use <see cref="SignalEvents.Wait(IEnumerable{Signal}, TimeSpan)"/>.
/// </summary>
public static class SignalMask
{
    /// <summary>Blocks <paramref name="signals"/> on the calling thread; returns the previous mask.</summary>
    /// <exception cref="ArgumentException">A signal the runtime needs (faults, SIGRTMIN) or that cannot be blocked.</exception>
    public static IReadOnlyList<Signal> Block(IEnumerable<Signal> signals) => Change(0, signals, requireHandleable: true);

    /// <summary>Unblocks <paramref name="signals"/> on the calling thread; returns the previous mask.</summary>
    public static IReadOnlyList<Signal> Unblock(IEnumerable<Signal> signals) => Change(1, signals, requireHandleable: false);

    /// <summary>Replaces the calling thread's mask; returns the previous one.</summary>
    /// <exception cref="ArgumentException">The set holds a signal <see cref="Block"/> refuses.</exception>
    public static IReadOnlyList<Signal> Set(IEnumerable<Signal> signals) => Change(2, signals, requireHandleable: true);

    /// <summary>The calling thread's current mask.</summary>
    public static IReadOnlyList<Signal> Current => Change(0, [], requireHandleable: false);

    /// <summary>Signals pending for the calling thread or the process (sigpending).</summary>
    public static IReadOnlyList<Signal> Pending()
    {
        NativeResult.Check(Native.SignalsPending(out ulong pending), "Reading pending signals");
        return SignalSet.FromMask(pending).ToArray();
    }

    /// <summary>
    /// sigtimedwait: takes one of <paramref name="signals"/> (which must be blocked on this thread) off the
    /// pending set; null after <paramref name="timeout"/>. A handler that runs on this thread meanwhile does not
    /// lengthen the wait: it goes on for the time left, not for the whole timeout again.
    /// </summary>
    public static SignalEvent? WaitBlocked(IEnumerable<Signal> signals, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(signals);
        SignalEvents.ValidateTimeout(timeout);
        var list = SignalEvents.Validate(signals, nameof(signals));
        bool infinite = timeout == Timeout.InfiniteTimeSpan;
        long started = Stopwatch.GetTimestamp();
        long nanoseconds = infinite ? -1 : timeout.Ticks * 100;
        var record = default(NativeRecord);
        while (true)
        {
            int result = Native.SignalsWaitInfo(SignalSet.ToMask(list), nanoseconds, ref record);
            if (result > 0)
                return new SignalEvent(record);
            if (result == -NativeResult.EAGAIN)
                return null;
            if (result != -NativeResult.EINTR)
                NativeResult.Check(result, $"Waiting for {string.Join(", ", list)}");
            // A handler ran on this thread (EINTR): wait again, for what is left of the timeout. Restarting the
            // whole timeout made a 1 s wait interrupted every 250 ms never end while the interruptions went on.
            // Once nothing is left, one more zero wait still takes a signal that is already pending.
            if (!infinite)
                nanoseconds = Math.Max(0, (timeout - Stopwatch.GetElapsedTime(started)).Ticks * 100);
        }
    }

    // Blocking a fault signal turns a NullReferenceException into a crash, and blocking SIGRTMIN hangs the
    // GC: what cannot be handled cannot be blocked either. Unblocking anything is harmless.
    private static IReadOnlyList<Signal> Change(int how, IEnumerable<Signal> signals, bool requireHandleable)
    {
        ArgumentNullException.ThrowIfNull(signals);
        var list = signals.ToArray();
        foreach (var signal in list)
        {
            if (requireHandleable)
                signal.EnsureHandleable(nameof(signals));
            else if (signal.Number == 0)
                throw new ArgumentException("The default Signal value is not a signal.", nameof(signals));
        }
        NativeResult.Check(Native.SignalsThreadMask(how, SignalSet.ToMask(list), out ulong old), "Changing the thread's signal mask");
        return SignalSet.FromMask(old).ToArray();
    }
}
