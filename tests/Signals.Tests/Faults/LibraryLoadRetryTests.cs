namespace Signals.Tests.Faults;

/// <summary>
/// Issue 18, row 11: when the open of libsignals.so failed once (EMFILE), PlatformSupport remembered the failure, and
/// every use threw PlatformNotSupportedException for the life of the process. Now the failure names its cause and
/// the next call loads the library.
/// </summary>
[TestFixture, NonParallelizable]
public class LibraryLoadRetryTests
{
    [Test]
    public void AFailedLoadNamesItsCauseAndTheNextCallLoads()
    {
        // strace fails the first open of this very file, on each thread, with EMFILE; every other call is untouched.
        string library = Path.Combine(AppContext.BaseDirectory, "libsignals.so");
        Assert.That(File.Exists(library), Is.True, $"the library the child loads: {library}");
        string[] failFirstOpen = ["strace", "-f", "-qq", "-o", "/dev/null", "--seccomp-bpf", "-P", library,
            "-e", "trace=openat", "-e", "inject=openat:error=EMFILE:when=1"];
        using var child = TestHostProcess.StartUnder(failFirstOpen, "load-retry");
        string first = child.WaitForLine("FIRST");
        Assert.That(first, Does.StartWith("FIRST System.IO.IOException: Signals could not load its native library (libsignals.so) just now"),
            "a passing failure is not called an unsupported platform");
        Assert.That(first, Does.Contain($"{library}: cannot open shared object file: Too many open files"), "the loader's own words");
        Assert.That(child.WaitForLine("SUPPORTED"), Is.EqualTo("SUPPORTED True"), "the next call loads the library");
        // Started through strace: the .NET process says its own pid.
        int pid = int.Parse(child.WaitForLine("READY ")["READY ".Length..]);
        Commands.Kill(pid, Signal.SIGUSR1);
        Assert.That(child.WaitForExit(), Is.Zero, child.Transcript);
        Assert.That(child.Line("RECEIVED"), Is.EqualTo("RECEIVED"), "the subscription made after the retry works");
    }
}
