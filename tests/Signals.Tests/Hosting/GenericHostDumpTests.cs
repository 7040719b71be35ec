using System.Diagnostics;
using NUnit.Framework;

namespace Signals.Tests.Hosting;

/// <summary>
/// Dumps under AddSignals with AddSignalDiagnostics (tests/Signals.Hosting.TestApp as a child process): the dump that
/// <c>DOTNET_EnableDumpOnSigTerm=1</c> asks for, then the graceful shutdown; and the opt-in dump signal, which keeps at
/// most N and refuses a directory without room. tests/tools/dotnet_dump_check.sh opens such a dump with the real
/// <c>dotnet-dump analyze</c>.
/// </summary>
[TestFixture, NonParallelizable]
public class GenericHostDumpTests : HostAppFixture
{
    private static void Kill(string signal, int pid)
    {
        using var kill = Process.Start("kill", ["-s", signal, pid.ToString()]);
        kill.WaitForExit();
        Assert.That(kill.ExitCode, Is.EqualTo(0), $"kill -s {signal} {pid}");
    }

    [Test]
    public void EnableDumpOnSigTermWritesTheRuntimesDumpThenShutsDownGracefully()
    {
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_DbgEnableMiniDump"] = "1",
            ["DOTNET_EnableDumpOnSigTerm"] = "1",
            ["DOTNET_DbgMiniDumpType"] = "1",
            ["DOTNET_DbgMiniDumpName"] = Path.Combine(WorkDirectory, "sigterm-%p.%%.dmp"),
        };
        using var host = HostChildProcess.StartWith(environment, WorkDirectory, "--config", ConfigFile, "--signal-diagnostics", "--deadline-ms", "20000");
        Kill("TERM", host.Pid);

        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
        string dump = Path.Combine(WorkDirectory, $"sigterm-{host.Pid}.%.dmp");
        Assert.That(File.Exists(dump), Is.True, host.Transcript);
        Assert.That(new FileInfo(dump).Length, Is.GreaterThan(1 << 20));
        var lines = host.Lines;
        int wrote = lines.ToList().FindIndex(line => line.Contains($"DOTNET_EnableDumpOnSigTerm: wrote {dump} (", StringComparison.Ordinal) && line.Contains("type 1", StringComparison.Ordinal));
        int stopped = lines.ToList().IndexOf("stop-async ran");
        Assert.That(wrote, Is.GreaterThanOrEqualTo(0), host.Transcript);
        Assert.That(stopped, Is.GreaterThan(wrote), "the graceful shutdown runs after the dump:" + Environment.NewLine + host.Transcript);
        Assert.That(lines, Has.None.Contains("[createdump]"), host.Transcript);
    }

    [Test]
    public void EnableDumpOnSigTermWithoutSignalsDiagnosticsSaysWhatToAddAndStillStops()
    {
        var environment = new Dictionary<string, string> { ["DOTNET_DbgEnableMiniDump"] = "1", ["DOTNET_EnableDumpOnSigTerm"] = "1",
            ["DOTNET_DbgMiniDumpName"] = Path.Combine(WorkDirectory, "none-%p.dmp") };
        using var host = HostChildProcess.StartWith(environment, WorkDirectory, "--config", ConfigFile);
        Kill("TERM", host.Pid);
        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
        Assert.That(host.Lines, Has.One.Contains("services.AddSignalDiagnostics() to have it written"), host.Transcript);
        Assert.That(Directory.GetFiles(WorkDirectory, "none-*"), Is.Empty);
    }

    [Test]
    public void TheDumpSignalWritesNamedDumpsAndKeepsAtMostN()
    {
        string dumps = Directory.CreateDirectory(Path.Combine(WorkDirectory, "dumps")).FullName;
        File.WriteAllText(Path.Combine(dumps, "not-ours.dmp"), "left alone");
        using var host = HostChildProcess.Start(WorkDirectory, "--config", ConfigFile, "--signal-diagnostics",
            "--dump-signal", "SIGUSR2", "--dump-dir", dumps, "--dump-max", "2", "--dump-type", "Mini");
        for (int i = 1; i <= 3; i++)
        {
            Kill("USR2", host.Pid);
            int seen = i;
            host.WaitForLine(_ => host.Lines.Count(line => line.Contains("Dump (SIGUSR2 from pid", StringComparison.Ordinal)) >= seen, $"dump {i}");
        }
        var written = host.Lines.Where(line => line.Contains("Dump (SIGUSR2 from pid", StringComparison.Ordinal)).ToList();
        Assert.That(written, Has.All.Match($"wrote {dumps}/dump-{host.Pid}-\\d{{8}}T\\d{{9}}Z\\.dmp \\(\\d+ MiB, Mini\\) in \\d+ ms"), host.Transcript);
        Assert.That(written[2], Does.Contain("removed 1 older"), host.Transcript);
        Assert.That(Directory.GetFiles(dumps, "dump-*.dmp"), Has.Length.EqualTo(2));
        Assert.That(File.Exists(Path.Combine(dumps, "not-ours.dmp")), Is.True);
        Kill("TERM", host.Pid);
        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
    }

    [Test]
    public void TheDumpSignalRefusesADirectoryWithoutRoom()
    {
        using var host = HostChildProcess.Start(WorkDirectory, "--config", ConfigFile, "--signal-diagnostics",
            "--dump-signal", "SIGUSR2", "--dump-dir", "/proc");
        Kill("USR2", host.Pid);
        string line = host.WaitForLine(candidate => candidate.Contains("No dump (SIGUSR2 from pid", StringComparison.Ordinal), "the refusal");
        Assert.That(line, Does.Contain("no space for a dump in /proc: 0 MB free").And.Contain("free space or configure another directory"));
        Kill("TERM", host.Pid);
        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void TheDumpSignalRefusesADirectoryItCannotWrite()
    {
        // A directory of root's, read-only for the service's user (nobody): the same answer as a read-only mount.
        if (SignalSender.UserId != 0)
            Assert.Ignore("Needs root to start the service as another user.");
        var readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead |
                       UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(WorkDirectory, readable);
        File.SetUnixFileMode(ConfigFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        string dumps = Directory.CreateDirectory(Path.Combine(WorkDirectory, "dumps")).FullName;
        File.SetUnixFileMode(dumps, readable);
        using var host = HostChildProcess.StartAsUser(65534, WorkDirectory, "--config", ConfigFile, "--signal-diagnostics",
            "--dump-signal", "SIGUSR2", "--dump-dir", dumps);
        Kill("USR2", host.Pid);
        string line = host.WaitForLine(candidate => candidate.Contains("No dump (SIGUSR2 from pid", StringComparison.Ordinal), "the refusal");
        Assert.That(line, Does.Contain($"could not write {dumps}/dump-{host.Pid}-").And.Contain("configure a writable directory"));
        Assert.That(Directory.GetFiles(dumps), Is.Empty);
        Kill("TERM", host.Pid);
        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
    }
}
