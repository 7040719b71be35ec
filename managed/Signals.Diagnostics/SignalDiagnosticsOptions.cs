namespace Signals.Diagnostics;

/// <summary>What <see cref="SignalDiagnosticsServiceCollectionExtensions.AddSignalDiagnostics"/> adds besides the thread stacks.</summary>
public sealed class SignalDiagnosticsOptions
{
    /// <summary>
    /// A signal that writes a dump (<see cref="SignalDiagnostics.WriteDump"/>) into <see cref="Dump"/>'s directory,
    /// logging its path and size. Opt-in: null (the default) subscribes nothing. Pick a signal nothing else uses, e.g. SIGUSR2.
    /// </summary>
    public Signal? DumpSignal { get; set; }

    /// <summary>Where and how the <see cref="DumpSignal"/> dumps are written (the directory is required when it is set).</summary>
    public DumpOptions Dump { get; set; } = new();

    /// <summary>When set, only senders the kernel vouches for with one of these uids may ask for a dump. Default: null (anyone who may signal the process).</summary>
    public IReadOnlyCollection<uint>? DumpAllowedUids { get; set; }
}
