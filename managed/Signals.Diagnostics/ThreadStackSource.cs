using Signals.Hosting;

namespace Signals.Diagnostics;

/// <summary>Signals.Hosting's way to the thread stacks (<see cref="IThreadStackSource"/>), registered by <c>AddSignalDiagnostics()</c>.</summary>
internal sealed class ThreadStackSource : IThreadStackSource
{
    public void WriteThreadStacks(TextWriter writer, string reason, CancellationToken cancellationToken) =>
        SignalDiagnostics.WriteThreadStacks(writer, reason, cancellationToken);
}
