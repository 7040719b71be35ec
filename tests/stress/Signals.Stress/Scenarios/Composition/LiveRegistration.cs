using System.Runtime.InteropServices;

namespace Signals.Stress.Scenarios.Composition;

/// <summary>
/// A PosixSignalRegistration the sequence made. Its handler cancels the default action (so SIGUSR1, SIGHUP...
/// never end the process) and counts; Min/Max is the range the model allows (exact when the chain is certain).
/// </summary>
internal sealed class LiveRegistration(int id, Signal signal)
{
    private long _count;

    public int Id => id;
    public Signal Signal => signal;
    public PosixSignalRegistration? Registration { get; set; }
    public long Count => Interlocked.Read(ref _count);
    public long Min { get; set; }
    public long Max { get; set; }

    public void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        Interlocked.Increment(ref _count);
    }
}
