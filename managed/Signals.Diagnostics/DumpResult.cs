namespace Signals.Diagnostics;

/// <summary>A dump written by <see cref="SignalDiagnostics.WriteDump"/>.</summary>
/// <param name="Path">The dump file: dump-PID-yyyyMMddTHHmmssfffZ.dmp in the configured directory.</param>
/// <param name="Bytes">Its size.</param>
/// <param name="Elapsed">How long writing it took.</param>
/// <param name="Removed">Older dumps removed to keep at most <see cref="DumpOptions.MaxFiles"/>.</param>
public sealed record DumpResult(string Path, long Bytes, TimeSpan Elapsed, IReadOnlyList<string> Removed);
