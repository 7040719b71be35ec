using System.Runtime.InteropServices;

namespace Signals.Stress.Scenarios.Composition;

/// <summary>
/// "Another library's" chaining signal handler (tests/stress/native/foreign_handler.c), loaded with
/// NativeLibrary and called through function pointers: it counts its calls and chains to the action it saved.
/// </summary>
internal sealed unsafe class ForeignHandler
{
    private readonly delegate* unmanaged<int, int> _install;
    private readonly delegate* unmanaged<int, int> _remove;
    private readonly delegate* unmanaged<int, long> _count;

    public ForeignHandler(string helpers)
    {
        nint library = NativeLibrary.Load(Path.Combine(helpers, "libforeign_handler.so"));
        _install = (delegate* unmanaged<int, int>)NativeLibrary.GetExport(library, "foreign_install");
        _remove = (delegate* unmanaged<int, int>)NativeLibrary.GetExport(library, "foreign_remove");
        _count = (delegate* unmanaged<int, long>)NativeLibrary.GetExport(library, "foreign_count");
    }

    /// <summary>0 installed; -1 sigaction failed; -2 already present.</summary>
    public int Install(int signo) => _install(signo);

    /// <summary>0 restored what it saved; 1 left as a pass-through (someone is above it); -2 not installed.</summary>
    public int Remove(int signo) => _remove(signo);

    /// <summary>Calls counted while installed, since the process started.</summary>
    public long Count(int signo) => _count(signo);
}
