using System.Diagnostics;
using NUnit.Framework;

namespace Signals.Tests.Demo;

/// <summary>
/// Issue 20, item 8: a stop signal always stops serve, whatever its stdout does. Its log lines go through a bounded
/// queue that a thread of its own writes out, so a write that fails (ENOSPC: <c>&gt; /dev/full</c>) or blocks (a pipe
/// whose reader stalled) neither swallows SIGTERM nor holds the dispatcher. Before, <c>serve &gt; /dev/full</c> aborted
/// at start, and with a stalled pipe neither SIGTERM nor a second SIGTERM did anything.
/// </summary>
[TestFixture]
public class ServeOutputFailureTests
{
    private string _directory = null!;
    private string _config = null!;

    [SetUp]
    public void CreateDirectory()
    {
        _directory = Directory.CreateTempSubdirectory("signals-demo-output-").FullName;
        _config = Path.Combine(_directory, "service.conf");
    }

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    /// <summary><c>serve &gt; /dev/full</c>: every write fails with ENOSPC, yet it starts, reloads, reports and stops with 0.</summary>
    [Test]
    public void ServeWithStdoutOnAFullDeviceStartsServesAndStops()
    {
        File.WriteAllText(_config, "heartbeat_seconds=0.05\njob_milliseconds=10\ndrain_seconds=0\n");
        using var service = DemoProcess.Start("env", ["--default-signal=INT,QUIT,TERM,USR1,USR2", "sh", "-c", "exec \"$0\" serve --config \"$1\" > /dev/full",
            DemoProcess.ExecutablePath, _config]);
        WaitForLogWriter(service);

        SignalSender.Kill(service.Pid, Signal.SIGHUP);
        SignalSender.Kill(service.Pid, Signal.SIGUSR1);
        SignalSender.Kill(service.Pid, Signal.SIGTERM);
        Assert.That(service.WaitForExit(), Is.EqualTo(0), service.Transcript());
        Assert.That(service.Stderr, Is.Empty, service.Transcript());
    }

    /// <summary>stdout a pipe nobody reads: once it is full, the first SIGTERM still shuts down (a drain of 0 s) with 0.</summary>
    [Test]
    public void SigtermStopsWhileStdoutIsStalled()
    {
        using var service = StartStalled("drain_seconds=0\n", "30");
        SignalSender.Kill(service.Id, Signal.SIGTERM);
        Assert.That(service.WaitForExit(TimeSpan.FromSeconds(30)), Is.True, "no exit within 30 s of SIGTERM");
        Assert.That(service.ExitCode, Is.EqualTo(0));
    }

    /// <summary>
    /// stdout a pipe nobody reads and a drain of 60 s: a second SIGTERM exits at once by SIGTERM (143), far sooner than
    /// the drain would end.
    /// </summary>
    [Test]
    public void SecondSigtermExitsAtOnceWhileStdoutIsStalled()
    {
        using var service = StartStalled("drain_seconds=60\n", "90");
        SignalSender.Kill(service.Id, Signal.SIGTERM);
        // Once SIGTERM is no longer pending, its handler has run and recorded it: the next one is a delivery of its own
        // (two pending at once would merge in the kernel).
        Assert.That(Poll.Until(() => !IsPending(service.Id, Signal.SIGTERM)), Is.True, "the first SIGTERM stayed pending");
        var sinceSecond = Stopwatch.StartNew();
        SignalSender.Kill(service.Id, Signal.SIGTERM);
        Assert.That(service.WaitForExit(TimeSpan.FromSeconds(30)), Is.True, "no exit within 30 s of the second SIGTERM");
        Assert.That(service.ExitCode, Is.EqualTo(143));
        Assert.That(sinceSecond.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "the 60 s drain did not end it");
    }

    /// <summary>
    /// Starts serve with a heartbeat on every 1 ms job and stdout a pipe that nobody reads, and waits until a thread of
    /// it is blocked writing to that full pipe. stderr is read (it must stay empty).
    /// </summary>
    private Process StartStalled(string configLines, string deadlineSeconds)
    {
        File.WriteAllText(_config, "heartbeat_seconds=0.001\njob_milliseconds=1\n" + configLines);
        var start = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true, // never read
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--default-signal=INT,QUIT,TERM,USR1,USR2", DemoProcess.ExecutablePath, "serve", "--config", _config, "--deadline", deadlineSeconds })
            start.ArgumentList.Add(argument);
        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        bool stalled = Poll.Until(() => process.HasExited || Threads(process.Id).Any(thread => Read($"/proc/{process.Id}/task/{thread}/wchan").Contains("pipe_write")));
        if (!stalled || process.HasExited)
        {
            int? status = process.HasExited ? process.ExitCode : null;
            if (!process.HasExited)
                process.Kill();
            process.Dispose();
            Assert.Fail(status is null ? "no thread of serve blocked on its full stdout pipe within 30 s" : $"serve exited ({status}) before its stdout filled");
        }
        return process;
    }

    /// <summary>Waits until serve has subscribed and logged its first line: the log writer thread exists then.</summary>
    private static void WaitForLogWriter(DemoProcess service)
    {
        bool found = Poll.Until(() => service.Process.HasExited
            || Threads(service.Pid).Any(thread => Read($"/proc/{service.Pid}/task/{thread}/comm").StartsWith("serve log writ", StringComparison.Ordinal)));
        Assert.That(found && !service.Process.HasExited, Is.True,
            $"serve {(service.Process.HasExited ? $"exited ({service.Process.ExitCode})" : "had no log writer thread within 30 s")}.\n{service.Transcript()}");
    }

    private static bool IsPending(int pid, Signal signal)
    {
        string status = Read($"/proc/{pid}/status");
        foreach (var field in new[] { "ShdPnd:", "SigPnd:" })
        {
            string line = status.Split('\n').FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal)) ?? "";
            if (line.Length > 0 && (Convert.ToUInt64(line[field.Length..].Trim(), 16) & (1UL << (signal.Number - 1))) != 0)
                return true;
        }
        return false;
    }

    private static IEnumerable<string> Threads(int pid)
    {
        try { return Directory.GetDirectories($"/proc/{pid}/task").Select(Path.GetFileName).ToArray()!; }
        catch (IOException) { return []; }
    }

    private static string Read(string path)
    {
        try { return File.ReadAllText(path); }
        catch (IOException) { return ""; }
    }
}
