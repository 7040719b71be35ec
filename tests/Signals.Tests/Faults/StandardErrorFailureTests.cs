namespace Signals.Tests.Faults;

/// <summary>
/// Issue 18, row 12: the dispatcher wrote its reports to Console.Error unguarded, so a standard error that fails
/// (ENOSPC: a full disk, /dev/full) turned the first report into an exception out of the dispatcher thread, and the
/// process aborted (134). Every report now goes through one guard that loses the line, never the dispatcher.
/// </summary>
[TestFixture, NonParallelizable]
public class StandardErrorFailureTests
{
    // Standard error on /dev/full: every write(2) to it fails with ENOSPC.
    private static readonly string[] StderrOnDevFull = ["sh", "-c", "exec \"$@\" 2>/dev/full", "sh"];

    [Test]
    public void ReportsToAFullStandardErrorDoNotEndTheDispatcher()
    {
        using var child = TestHostProcess.StartUnder(StderrOnDevFull, "stderr-full");
        for (int n = 1; n <= 2; n++)
        {
            child.WaitForLine($"READY {n}");
            Commands.Kill(child.Pid, Signal.SIGUSR1);
        }
        Assert.That(child.WaitForExit(), Is.Zero, $"the process must outlive its failed reports. {child.Transcript}");
        Assert.That(child.Line("COUNTS"), Is.EqualTo("COUNTS thrown=2 rejected=2 counted=2"),
            "each delivery reached the throwing callback, the rejecting policy and the counter");
    }

    [Test]
    public void AFailedReadReportedToAFullStandardErrorDoesNotEndTheDispatcher()
    {
        using var child = TestHostProcess.StartUnder(StderrOnDevFull, "reader-eagain");
        string ready = child.WaitForLine("READY 1 tid=");
        string tid = ready["READY 1 tid=".Length..];
        // strace on the dispatcher thread alone (no -f): its first 20 futex(2) calls return 0 at once. For the
        // reader's sleep (FUTEX_WAIT) that is a wake with nothing to read, which it takes by looking at the ring
        // and sleeping again (0.1.0's reader returned a failed read, and its report to the full stderr aborted).
        // An error cannot be injected: strace cannot tell our futex from the runtime's locks on that thread, and
        // glibc aborts on any error from FUTEX_WAKE, while 0 is what a spurious wake-up returns to both.
        // strace's output says whether the failure was injected at all: a test of nothing would pass too.
        string traceFile = Path.Combine(Path.GetTempPath(), $"reader-eagain-{Environment.ProcessId}-{tid}.strace");
        var start = new System.Diagnostics.ProcessStartInfo("strace")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var argument in new[] { "-qq", "-o", traceFile, "-p", tid, "-e", "trace=futex", "-e", "inject=futex:retval=0:when=1..20" })
            start.ArgumentList.Add(argument);
        using var strace = System.Diagnostics.Process.Start(start)!;
        try
        {
            Poll.Expect(() => TracerOf(child.Pid, tid) == strace.Id, "strace attached to the dispatcher thread");
            Commands.Kill(child.Pid, Signal.SIGUSR1);
            child.WaitForLine("READY 2");
            // The dispatcher goes back to its sleep after that delivery: that FUTEX_WAIT is woken for nothing.
            Poll.Expect(() => File.Exists(traceFile) && InjectedIntoTheSleep(File.ReadAllText(traceFile)),
                "strace woke the dispatcher's sleep (FUTEX_WAIT) for nothing");
        }
        finally
        {
            if (!strace.HasExited)
                Commands.Kill(strace.Id, Signal.SIGTERM); // strace detaches and ends
            Assert.That(strace.WaitForExit(TimeSpan.FromSeconds(60)), Is.True, "strace ended");
        }
        string trace = File.ReadAllText(traceFile);
        File.Delete(traceFile);
        Assert.That(InjectedIntoTheSleep(trace), Is.True, $"strace injected into the dispatcher's wait. {trace}");
        Commands.Kill(child.Pid, Signal.SIGUSR1);
        Assert.That(child.WaitForExit(), Is.Zero, $"the process must outlive the failed read. {child.Transcript}");
        Assert.That(child.Line("RECEIVED"), Is.EqualTo("RECEIVED 2"));
    }

    private static bool InjectedIntoTheSleep(string trace) =>
        trace.Split('\n').Any(line => line.Contains("FUTEX_WAIT_PRIVATE") && line.Contains("(INJECTED)"));

    // The TracerPid of one thread (0 when none), from /proc.
    private static int TracerOf(int pid, string tid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/task/{tid}/status"))
            if (line.StartsWith("TracerPid:", StringComparison.Ordinal))
                return int.Parse(line["TracerPid:".Length..].Trim());
        return 0;
    }

    [Test]
    public void AWriterThatThrowsLosesTheReportNotTheDispatcher()
    {
        var sig = Signal.SIGUSR2;
        using var scope = new SignalScope(sig);
        var previous = Console.Error;
        Console.SetError(new ThrowingWriter());
        try
        {
            long lostBefore = Signals.Dispatch.StandardErrorReport.LostLines;
            int calls = 0;
            using var thrower = SignalEvents.Subscribe(sig, _ =>
            {
                Interlocked.Increment(ref calls);
                throw new InvalidTimeZoneException("reported to a writer that throws");
            });
            for (int n = 1; n <= 2; n++)
            {
                SignalSender.Kill(Environment.ProcessId, sig);
                Poll.Expect(() => Volatile.Read(ref calls) == n, $"delivery {n}");
            }
            Poll.Expect(() => Signals.Dispatch.StandardErrorReport.LostLines - lostBefore == 2, "both reports counted as lost");
        }
        finally
        {
            Console.SetError(previous);
        }
    }

    private sealed class ThrowingWriter : StringWriter
    {
        public override void WriteLine(string? value) => throw new IOException("No space left on device");
    }
}
