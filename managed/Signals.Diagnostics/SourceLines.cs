using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;

namespace Signals.Diagnostics;

/// <summary>
/// file:line for a frame, from the portable PDB beside its assembly (the .NET SDK's default; embedded PDBs and
/// Windows PDBs are not read). One reader per assembly for the duration of a report; a missing or unreadable PDB just
/// means no file:line.
/// </summary>
internal sealed class SourceLines : IDisposable
{
    private readonly Dictionary<string, MetadataReaderProvider?> _readers = new(StringComparer.Ordinal);

    /// <summary>" in /src/KnownThreads.cs:line 31", or "" when unknown.</summary>
    internal string Find(string? assemblyPath, int methodToken, int ilOffset)
    {
        if (assemblyPath is null || ilOffset < 0 || (methodToken >> 24) != 0x06)
            return "";
        var reader = Reader(assemblyPath);
        if (reader is null)
            return "";
        try
        {
            var handle = MetadataTokens.MethodDefinitionHandle(methodToken & 0xFFFFFF);
            var info = reader.GetMethodDebugInformation(handle);
            SequencePoint? best = null;
            foreach (var point in info.GetSequencePoints())
            {
                if (point.IsHidden || point.Offset > ilOffset)
                    continue;
                if (best is null || point.Offset >= best.Value.Offset)
                    best = point;
            }
            if (best is not { } found)
                return "";
            string file = reader.GetString(reader.GetDocument(found.Document).Name);
            return $" in {file}:line {found.StartLine}";
        }
        catch (Exception exception) when (exception is BadImageFormatException or ArgumentException or InvalidOperationException)
        {
            return "";
        }
    }

    private MetadataReader? Reader(string assemblyPath)
    {
        if (!_readers.TryGetValue(assemblyPath, out var provider))
        {
            provider = null;
            string pdb = Path.ChangeExtension(assemblyPath, ".pdb");
            try
            {
                if (File.Exists(pdb))
                    provider = MetadataReaderProvider.FromPortablePdbStream(File.OpenRead(pdb));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or BadImageFormatException)
            {
                provider = null;
            }
            _readers[assemblyPath] = provider;
        }
        try { return provider?.GetMetadataReader(); }
        catch (BadImageFormatException) { return null; } // a Windows PDB
    }

    public void Dispose()
    {
        foreach (var provider in _readers.Values)
            provider?.Dispose();
    }
}
