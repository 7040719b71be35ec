namespace Signals.Tests.Composition;

/// <summary>
/// Issue 10, item 2: the dispatcher blocked every handleable signal, and callbacks, the threads they created
/// (thread-pool workers too) and the processes they started inherited that mask (a <c>sleep 30</c> started
/// from a callback survived SIGTERM). Now nothing the library runs or creates has a mask the process did
/// not have. In a child process: "masks" (Signals.TestHost).
/// </summary>
[TestFixture, NonParallelizable]
public class DispatcherMaskTests
{
    [Test]
    public void ChildrenAndThreadsOfEveryCallbackTargetHaveTheMaskTheProcessHad()
    {
        using var child = TestHostProcess.Start("masks");
        string baseline = child.WaitForLine("BASELINE")["BASELINE ".Length..];
        child.WaitForLine("READY");
        Commands.Kill(child.Pid, Signal.SIGUSR1);
        Commands.Kill(child.Pid, Signal.SIGHUP);
        Assert.That(child.WaitForExit(), Is.Zero, child.Transcript);

        Assert.That(baseline, Is.EqualTo("0000000000000000"), "the child starts with nothing blocked");
        foreach (var target in new[] { "Dispatcher", "SynchronizationContext", "ThreadPool" })
            Assert.That(child.Line($"CHILD {target}"), Is.EqualTo($"CHILD {target} {baseline}"),
                $"grep started from a {target} callback inherited a blocked mask");
        Assert.That(child.Line("THREADS"), Does.EndWith("differing: "), "every thread of the process, the dispatcher included");
        Assert.That(child.Line("SLEEP-EXIT"), Is.EqualTo("SLEEP-EXIT 143"), "sleep started from the SIGHUP callback dies by SIGTERM (128+15)");
    }
}
