using System.Diagnostics;
using NUnit.Framework;

namespace Signals.Tests.Hosting;

/// <summary>
/// <c>kill -QUIT</c> on a real Generic Host with AddSignals and AddSignalDiagnostics (tests/Signals.Hosting.TestApp, a
/// child process, with threads in known states: KnownThreads), and the stacks of a shutdown that hangs. The signals
/// are sent with kill(1), as an operator would. The app's console logger is single-line, so a report is one line.
/// </summary>
[TestFixture, NonParallelizable]
public class GenericHostThreadStackTests : HostAppFixture
{
    private static void Kill(string signal, int pid)
    {
        using var kill = Process.Start("kill", ["-s", signal, pid.ToString()]);
        kill.WaitForExit();
        Assert.That(kill.ExitCode, Is.EqualTo(0), $"kill -s {signal} {pid}");
    }

    private static bool IsReport(string line) => line.Contains("Thread stacks of pid ", StringComparison.Ordinal);

    [Test]
    public void QuitWritesEveryManagedThreadsStackAndTheHostKeepsRunning()
    {
        using var host = HostChildProcess.Start(WorkDirectory, "--config", ConfigFile, "--signal-diagnostics", "--known-threads");
        Kill("QUIT", host.Pid);

        string report = host.WaitForLine(IsReport, "the thread stacks");
        Assert.That(report, Does.Contain($"Thread stacks of pid {host.Pid} "));
        Assert.That(report, Does.Contain($"SIGQUIT from pid "));
        Assert.That(report, Does.Match(@"\d+ managed threads \(\d+ thread-pool, 1 finalizer\), \d+ OS threads"));
        // One block per thread, with its OS id, name and marks, and the frames by type and method.
        // The lock's type comes from the object's memory, which the Mini dump holds on most runs, not all (CI, once:
        // every lock was "object"): then the report says "object", as documented.
        Assert.That(report, Does.Match("Thread \\d+ \"known-waiter\" \\(managed \\d+, background\\): +waits in Monitor.Wait on (System.Object|object) 0x[0-9a-f]+ +at System.Threading.Monitor.Wait\\(System.Object, Int32\\) +at Signals.Hosting.TestApp.KnownThreads.BlockedInMonitorWait\\(\\)"));
        Assert.That(report, Does.Match("\"known-sleeper\" [^:]*: +at System.Threading.Thread.Sleep\\(Int32\\) +at Signals.Hosting.TestApp.KnownThreads.SleepingInThreadSleep\\(\\)"));
        // file:line from the test app's portable PDB: the line of the Monitor.Wait call.
        int waitLine = Array.FindIndex(File.ReadAllLines(Path.Combine(SourceDirectory(), "tests", "Signals.Hosting.TestApp", "KnownThreads.cs")),
            line => line.Trim() == "Monitor.Wait(Gate);") + 1;
        Assert.That(report, Does.Contain($"KnownThreads.BlockedInMonitorWait() in {Path.Combine(SourceDirectory(), "tests", "Signals.Hosting.TestApp", "KnownThreads.cs")}:line {waitLine}"));
        Assert.That(report, Does.Match("\"known-spinner\" [^:]*: +at Signals.Hosting.TestApp.KnownThreads.SpinningInLoop\\(\\)"));
        Assert.That(report, Does.Match("\"\\.NET Finalizer\" \\(managed \\d+, background, finalizer\\)"));
        Assert.That(report, Does.Contain("Signals dispatcher):"));
        // createdump's own lines stay off the application's output (it runs as our child, its output captured).
        Assert.That(host.Lines, Has.None.Contains("[createdump]"), host.Transcript);

        // Still serving: a reload works, SIGTERM ends it normally (SIGQUIT did not stop it, as ConsoleLifetime's would).
        File.WriteAllText(ConfigFile, """{ "Greeting": "still here" }""");
        Kill("HUP", host.Pid);
        host.WaitForLine(line => line.StartsWith("reloaded Greeting=still here", StringComparison.Ordinal), "a reload after the stacks");
        Kill("TERM", host.Pid);
        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void QuitWorksForANonRootService()
    {
        // nobody (65534), with root's HOME inherited: ClrMD's default symbol cache would have thrown inside a DAC
        // callback there and ended the process (seen); the report reads only local files.
        const uint nobody = 65534;
        if (SignalSender.UserId != 0)
            Assert.Ignore("Needs root to start the service as another user.");
        MakeReadableByOthers();
        using var host = HostChildProcess.StartAsUser(nobody, WorkDirectory, "--config", ConfigFile, "--signal-diagnostics", "--known-threads");
        Assert.That(File.ReadAllLines($"/proc/{host.Pid}/status").Single(line => line.StartsWith("Uid:", StringComparison.Ordinal)), Does.Contain($"\t{nobody}\t"));
        Kill("QUIT", host.Pid);

        string report = host.WaitForLine(IsReport, "the thread stacks");
        Assert.That(report, Does.Contain("KnownThreads.BlockedInMonitorWait()").And.Contain("KnownThreads.SleepingInThreadSleep()"));
        Kill("TERM", host.Pid);
        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void PtraceRefusedIsOneLineWithTheCauseAndTheFix()
    {
        // A process that made itself non-dumpable refuses ptrace (and /proc/PID/mem) to processes without
        // CAP_SYS_PTRACE: createdump, run as the same non-root user, cannot read it.
        if (SignalSender.UserId != 0)
            Assert.Ignore("Needs root to start the service as another user.");
        MakeReadableByOthers();
        using var host = HostChildProcess.StartAsUser(65534, WorkDirectory, "--config", ConfigFile, "--signal-diagnostics", "--not-dumpable");
        Kill("QUIT", host.Pid);
        string line = host.WaitForLine(candidate => candidate.Contains("no thread stacks:", StringComparison.Ordinal), "the failure line");
        Assert.That(line, Does.Contain("createdump may not read the process's memory (ptrace refused").And.Contain("keep the process dumpable"));
        Kill("TERM", host.Pid);
        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private void MakeReadableByOthers()
    {
        File.SetUnixFileMode(WorkDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
            UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(ConfigFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    [Test]
    public void ATemporaryDumpLeftByAnEndedProcessIsRemovedByTheNextReport()
    {
        // What a process leaves when it ends during a capture (a hung shutdown's, abandoned at the deadline).
        string temporary = Directory.CreateDirectory(Path.Combine(WorkDirectory, "tmp")).FullName;
        int gone = EndedProcessId();
        string stale = Path.Combine(temporary, $"signals-stacks-{gone}-20260101T000000000.dmp");
        string other = Path.Combine(temporary, "signals-stacks-notes.txt");
        File.WriteAllText(stale, "left behind");
        File.WriteAllText(other, "not a dump of ours");
        using var host = HostChildProcess.StartWith(new Dictionary<string, string> { ["TMPDIR"] = temporary }, WorkDirectory,
            "--config", ConfigFile, "--signal-diagnostics");
        Kill("QUIT", host.Pid);
        host.WaitForLine(IsReport, "the thread stacks");
        Assert.That(File.Exists(stale), Is.False, "the ended process's temporary dump");
        Assert.That(File.Exists(other), Is.True);
        Assert.That(Directory.GetFiles(temporary, "*.dmp"), Is.Empty, "the report's own dump is removed too");
        Kill("TERM", host.Pid);
        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
    }

    /// <summary>The pid of a process that has ended (and was reaped), so no live process has it for now.</summary>
    private static int EndedProcessId()
    {
        using var ended = Process.Start("true")!;
        ended.WaitForExit();
        return ended.Id;
    }

    [Test]
    public void QuitWhileAReportIsBeingWrittenIsCountedAndSkipped()
    {
        using var host = HostChildProcess.Start(WorkDirectory, "--config", ConfigFile, "--signal-diagnostics");
        Kill("QUIT", host.Pid);
        // The report's own thread exists from the hand-off until it is written (hundreds of ms at least: a dump).
        var deadline = Stopwatch.StartNew();
        while (!ThreadNames(host.Pid).Contains("Signals thread "))
        {
            if (deadline.Elapsed > HostChildProcess.Patience || host.Lines.Any(IsReport))
                Assert.Inconclusive("The report was written before its thread could be seen; nothing to overlap with.");
            Thread.Sleep(5);
        }
        Kill("QUIT", host.Pid);

        host.WaitForLine(line => line.Contains("while thread stacks are being written: skipped (1 so far)", StringComparison.Ordinal), "the skipped request");
        host.WaitForLine(IsReport, "the first report");
        // Not queued: no second report follows. 3 s is several times what one report took here.
        Thread.Sleep(3000);
        Assert.That(host.Lines.Count(IsReport), Is.EqualTo(1), host.Transcript);
        Kill("TERM", host.Pid);
        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
    }

    [Test]
    public void AnInheritedIgnoredQuitStaysIgnoredWithOneLogLine()
    {
        using var host = HostChildProcess.StartWith("--ignore-signal=QUIT", WorkDirectory, "--config", ConfigFile, "--signal-diagnostics");
        host.WaitForLine(line => line.Contains("SIGQUIT is ignored (inherited from the parent process", StringComparison.Ordinal) &&
                                 line.Contains("ThreadStacksSignal", StringComparison.Ordinal), "the ignored-SIGQUIT line");
        Assert.That(host.IgnoredSignals() & (1UL << (Signal.SIGQUIT.Number - 1)), Is.Not.Zero, "SIGQUIT must stay ignored");
        Kill("TERM", host.Pid);
        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
        Assert.That(host.Lines, Has.None.Matches<string>(IsReport), host.Transcript);
    }

    [Test]
    public void AnotherSignalCanAskForTheStacks()
    {
        using var host = HostChildProcess.Start(WorkDirectory, "--config", ConfigFile, "--signal-diagnostics", "--known-threads", "--thread-stacks-signal", "SIGUSR2");
        Kill("USR2", host.Pid);
        Assert.That(host.WaitForLine(IsReport, "the thread stacks"), Does.Contain("KnownThreads.BlockedInMonitorWait()"));
        Kill("TERM", host.Pid);
        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
    }

    [Test]
    public void WithoutSignalsDiagnosticsQuitSaysWhatToAddAndTheHostKeepsRunning()
    {
        using var host = HostChildProcess.Start(WorkDirectory, "--config", ConfigFile);
        Kill("QUIT", host.Pid);
        host.WaitForLine(line => line.Contains("no managed thread stacks", StringComparison.Ordinal) &&
                                 line.Contains("services.AddSignalDiagnostics()", StringComparison.Ordinal), "the line naming Signals.Diagnostics");
        Assert.That(host.HasExited, Is.False, host.Transcript);
        Kill("TERM", host.Pid);
        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
    }

    [Test]
    public void ATemporaryDirectoryWithoutRoomIsOneLineWithTheCauseAndTheFix()
    {
        // /proc has no free space (statvfs says 0) and takes no files, even from root.
        using var host = HostChildProcess.StartWith(new Dictionary<string, string> { ["TMPDIR"] = "/proc" }, WorkDirectory,
            "--config", ConfigFile, "--signal-diagnostics");
        Kill("QUIT", host.Pid);
        string line = host.WaitForLine(candidate => candidate.Contains("no thread stacks:", StringComparison.Ordinal), "the failure line");
        Assert.That(line, Does.Contain("no space for a dump in /proc: 0 MB free").And.Contain("free space or configure another directory").And.Contain("TMPDIR picks another"));
        Kill("TERM", host.Pid);
        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
    }

    [Test]
    public void DiagnosticsTurnedOffStillGiveTheStacks()
    {
        // DOTNET_EnableDiagnostics=0 closes the diagnostics IPC (dotnet-dump, dotnet-stack); createdump as our child
        // reads the process with ptrace and the DAC, not through the IPC.
        using var host = HostChildProcess.StartWith(new Dictionary<string, string> { ["DOTNET_EnableDiagnostics"] = "0" }, WorkDirectory,
            "--config", ConfigFile, "--signal-diagnostics", "--known-threads");
        Kill("QUIT", host.Pid);
        Assert.That(host.WaitForLine(IsReport, "the thread stacks"), Does.Contain("KnownThreads.BlockedInMonitorWait()"));
        Kill("TERM", host.Pid);
        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
    }

    [Test]
    public void AHungShutdownLogsTheStacksOfItsStopAsyncAndEndsWith143ByTheDeadline()
    {
        const int deadlineMs = 10000; // the stacks get half of it (5 s, the cap): room for a cold capture on a loaded machine
        using var host = HostChildProcess.Start(WorkDirectory, "--config", ConfigFile, "--signal-diagnostics", "--block-on-stop", "--deadline-ms", deadlineMs.ToString());
        var sinceSignal = Stopwatch.StartNew();
        Kill("TERM", host.Pid);
        host.WaitForLine(line => line == "blocking-stop-async waiting", "the blocking StopAsync");

        Assert.That(host.WaitForExit(), Is.EqualTo(143), host.Transcript);
        var took = sinceSignal.Elapsed;
        string stacks = host.WaitForLine(line => line.Contains("The threads still running when the shutdown deadline of SIGTERM was reached", StringComparison.Ordinal), "the hung shutdown's stacks");
        Assert.That(stacks, Does.Contain("BlockingStopService.StopAsync(System.Threading.CancellationToken)"));
        Assert.That(stacks, Does.Contain("Thread stacks of pid"));
        Assert.That(host.Lines, Has.One.Contains("shutdown did not finish within 00:00:10 of SIGTERM"), host.Transcript);
        Assert.That(took, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(deadlineMs)));
        // The stacks come out of a slice of the deadline, not on top of it.
        Assert.That(took, Is.LessThan(TimeSpan.FromMilliseconds(deadlineMs + 1000)), host.Transcript);
    }

    [Test]
    public void TheSenderPolicyRejectsAnUnlistedSender()
    {
        // Only pid 1 may ask; kill(1) run by this test is another process.
        using var host = HostChildProcess.Start(WorkDirectory, "--config", ConfigFile, "--signal-diagnostics", "--thread-stacks-pids", "1");
        Kill("QUIT", host.Pid);
        host.WaitForLine(line => line.Contains("Rejected SIGQUIT from pid ", StringComparison.Ordinal) &&
                                 line.Contains("the thread stacks sender policy does not allow this sender", StringComparison.Ordinal), "the rejection");
        Kill("TERM", host.Pid);
        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
        Assert.That(host.Lines, Has.None.Matches<string>(IsReport), host.Transcript);
    }

    [Test]
    public void ASlowShutdownThatEndsInTimeWritesNoStacks()
    {
        // Deadline 10 s: the capture starts at 5 s, while StopAsync still blocks (7 s); the shutdown then ends in time.
        using var host = HostChildProcess.Start(WorkDirectory, "--config", ConfigFile, "--signal-diagnostics", "--block-on-stop-ms", "7000", "--deadline-ms", "10000");
        Kill("TERM", host.Pid);
        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
        Assert.That(host.Lines, Has.One.EqualTo("blocking-stop-async returned"), host.Transcript);
        Assert.That(host.Lines, Has.None.Contains("threads still running"), host.Transcript);
        Assert.That(host.Lines, Has.None.Contains("did not finish within"), host.Transcript);
    }

    /// <summary>The repository root: the folder above the test assembly that holds Signals.sln.</summary>
    private static string SourceDirectory()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Signals.sln")))
                return directory.FullName;
        Assert.Fail("No Signals.sln above the tests.");
        return null!;
    }

    private static HashSet<string> ThreadNames(int pid)
    {
        var names = new HashSet<string>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try { names.Add(File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n')); }
                catch (IOException) { } // the thread ended
            }
        }
        catch (DirectoryNotFoundException) { }
        return names;
    }
}
