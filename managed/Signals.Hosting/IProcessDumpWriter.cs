namespace Signals.Hosting;

/// <summary>
/// Writes a dump of this process, for <c>DOTNET_EnableDumpOnSigTerm=1</c> under <c>AddSignals()</c>: the runtime
/// would write that dump in its own SIGTERM handler, which <c>AddSignals</c> replaces, so Hosting asks this instead.
/// Signals.Diagnostics' <c>services.AddSignalDiagnostics()</c> registers it (the runtime's createdump, as our child).
/// </summary>
public interface IProcessDumpWriter
{
    /// <summary>
    /// Writes a dump of the process to <paramref name="path"/> and returns its size in bytes. Blocks for a second or
    /// more: never call it on the Signals dispatcher. Throws <see cref="InvalidOperationException"/> with a message that
    /// names the cause and what to change (ptrace refused, a read-only or full directory, no createdump).
    /// </summary>
    /// <param name="path">The file to write; its directory must exist.</param>
    /// <param name="dumpType">The runtime's numbering (<c>DOTNET_DbgMiniDumpType</c>): 1 mini, 2 with heap, 3 triage, 4 full.</param>
    /// <param name="cancellationToken">Abandons the dump (its helper process is killed, the partial file removed).</param>
    long WriteDump(string path, int dumpType, CancellationToken cancellationToken);
}
