namespace Signals.Tests;

/// <summary>
/// SignalHandlers against the runtime and against signals in flight, each in a child process (Signals.TestHost):
/// the outcome is the process dying or Process.WaitForExit breaking.
/// </summary>
[TestFixture, NonParallelizable]
public class SignalHandlersAtomicityTests
{
    /// <summary>
    /// Issue 10, item 12: Set(Ignored) over our handler used to restore the saved SIG_DFL first, and a SIGUSR1
    /// raised in that moment killed the process (exit 138). Hundreds of rounds with a thread raising throughout.
    /// </summary>
    [Test]
    public void TogglingHandlerAndIgnoredWhileSignalsArriveNeverPassesThroughDefault()
    {
        using var child = TestHostProcess.Start("disposition-toggle");
        Assert.That(child.WaitForExit(TimeSpan.FromSeconds(120)), Is.Zero, child.Transcript);
        Assert.That(child.Line("ROUNDS"), Does.StartWith("ROUNDS 400 raised="));
    }

    /// <summary>
    /// Issue 10, item 11: SIG_IGN/SIG_DFL on SIGCHLD after Process.Start silently broke WaitForExit; now refused
    /// with an InvalidOperationException naming the signal, and WaitForExit still works afterwards.
    /// </summary>
    [Test]
    public void SigchldIgnoreAndDefaultAreRefusedAndWaitForExitKeepsWorking()
    {
        using var child = TestHostProcess.Start("sigchld-refusal");
        Assert.That(child.WaitForExit(), Is.Zero, child.Transcript);
        Assert.That(child.Line("REFUSED SIGCHLD Ignored:"), Does.Contain("SIGCHLD").And.Contain("Process.WaitForExit"));
        Assert.That(child.Line("REFUSED SIGCHLD Default:"), Does.Contain("SignalHandlers.Restore(SIGCHLD)"));
        Assert.That(child.Line("REFUSED SIGCONT Default:"), Does.Contain("SIGCONT"));
        Assert.That(child.Line("REFUSED SIGCHLD Default over ours:"), Does.Contain("SIGCHLD"));
        Assert.That(child.Line("REFUSED SIGCHLD Ignored over ours:"), Does.Contain("SIGCHLD"));
        Assert.That(child.Line("SIGCHLD after Restore="), Is.EqualTo("SIGCHLD after Restore=Native"));
        Assert.That(child.Line("WAITED"), Is.EqualTo("WAITED True"));
    }
}
