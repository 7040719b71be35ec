using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Microsoft.Diagnostics.Runtime;

namespace Signals.Diagnostics;

/// <summary>
/// ClrMD's file locator for a dump of this very process: every module it names is on this machine at the path the
/// dump records, so it is looked up there and nowhere else. ClrMD's default locator would create a symbol cache in
/// the user's home (under another uid with root's HOME that throws inside a DAC callback, which ends the process:
/// seen) and may ask a symbol server over the network, which a service answering SIGQUIT must never do.
/// </summary>
internal sealed class LocalFileLocator : IFileLocator
{
    public string? FindPEImage(string fileName, int buildTimeStamp, int imageSize, bool checkProperties) => Local(fileName);

    public string? FindPEImage(string fileName, SymbolProperties archivedUnder, ImmutableArray<byte> buildIdOrUUID, OSPlatform originalPlatform, bool checkProperties) =>
        Local(fileName);

    private static string? Local(string fileName)
    {
        try { return Path.IsPathRooted(fileName) && File.Exists(fileName) ? fileName : null; }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException) { return null; }
    }
}
