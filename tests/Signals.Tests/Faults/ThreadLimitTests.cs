namespace Signals.Tests.Faults;

/// <summary>
/// Issue 18, row 10: when the first Subscribe could not create the dispatcher thread (clone3: EAGAIN, a real
/// RLIMIT_NPROC), it threw the runtime's bare OutOfMemoryException, which names neither the thread nor the cause.
/// </summary>
[TestFixture, NonParallelizable]
public class ThreadLimitTests
{
    // Root ignores RLIMIT_NPROC: the child runs as nobody, without capabilities, and sets the limit on itself.
    private static readonly string[] AsNobody =
        ["setpriv", $"--reuid={Commands.NobodyUid}", $"--regid={Commands.NobodyUid}", "--clear-groups"];

    [Test]
    public void SubscribeWithoutAThreadSaysWhyAndLeavesNothingBehind()
    {
        using var child = TestHostProcess.StartUnder(AsNobody, "thread-limit");
        Assert.That(child.WaitForLine("REFUSED"), Is.EqualTo(
            "REFUSED System.InvalidOperationException: Signals could not start its dispatcher thread (\"Signals dispatcher\"): " +
            "the system refused to create a thread (clone: EAGAIN, the limit of processes and threads for this user, " +
            "RLIMIT_NPROC, or kernel.threads-max reached, or no memory for its stack). Nothing was subscribed; a later " +
            "Subscribe tries again."));
        Assert.That(child.WaitForLine("DISPOSITION"), Is.EqualTo("DISPOSITION Default"), "SIGUSR1's action is untouched");
        Assert.That(child.WaitForLine("DISPATCHERS"), Is.EqualTo("DISPATCHERS 0"), "no dispatcher thread was left");
        child.WaitForLine("READY");
        Commands.Kill(child.Pid, Signal.SIGUSR1);
        Assert.That(child.WaitForExit(), Is.Zero, child.Transcript);
        Assert.That(child.Line("RECEIVED"), Is.EqualTo("RECEIVED"), "a Subscribe once threads can be created works");
    }
}
