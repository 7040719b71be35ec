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
