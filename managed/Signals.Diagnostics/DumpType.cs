namespace Signals.Diagnostics;

/// <summary>What a dump holds: the types createdump writes (as <c>DOTNET_DbgMiniDumpType</c> 1 to 4).</summary>
public enum DumpType
{
    /// <summary>Stacks, threads, modules and the runtime's own data, no managed heap (about 10 MB). createdump's --normal.</summary>
    Mini = 1,

    /// <summary>With the managed heap (what dotnet-dump's default "Full"-like heap analysis needs). createdump's --withheap.</summary>
    WithHeap = 2,

    /// <summary>Like Mini, with personal data (paths, strings) removed. createdump's --triage.</summary>
    Triage = 3,

    /// <summary>All the process's memory. createdump's --full.</summary>
    Full = 4,
}
