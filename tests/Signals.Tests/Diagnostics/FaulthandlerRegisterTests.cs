using System.Diagnostics;
using System.Runtime.CompilerServices;
using Signals.Diagnostics;

namespace Signals.Tests.Diagnostics;

/// <summary>
/// The scenarios of CPython's Lib/test/test_faulthandler.py for <c>faulthandler.register</c> that map onto
/// <see cref="SignalDiagnostics.SubscribeThreadStacks(Signal, TextWriter, SubscriptionOptions?)"/>, in this process:
/// test_register (the stacks are written when the signal arrives, the process goes on), all_threads (other threads are
/// in it, by their method), test_register_file (into a writer of ours), test_unregister (after Dispose the signal's
/// previous action is back), chain=True (the signal's other handler still runs). Not mapped: the fatal-signal parts
/// (SIGSEGV and the like belong to the runtime) and test_stderr_None.
/// </summary>
[TestFixture, NonParallelizable]
public class FaulthandlerRegisterTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static readonly Signal Signal = Signal.SIGUSR2;

    [Test]
    public void RegisterWritesAllThreadsOnTheSignalAndTheProcessGoesOn()
    {
        var text = new StringWriter();
        var writer = TextWriter.Synchronized(text);
        var parked = new ManualResetEventSlim();
        var release = new ManualResetEventSlim();
        var other = new Thread(() => ParkedInANamedMethod(parked, release)) { IsBackground = true, Name = "faulthandler other" };
        other.Start();
        parked.Wait(Patience);
        try
        {
            using var registration = SignalDiagnostics.SubscribeThreadStacks(Signal, writer);
            SignalSender.Kill(Environment.ProcessId, Signal);
            string report = WaitingInANamedMethod(text, registration);

            Assert.That(report, Does.StartWith($"Thread stacks of pid {Environment.ProcessId} "));
            Assert.That(report, Does.Contain($"SIGUSR2 from pid {Environment.ProcessId} "));
            // all_threads: this test's thread and the other one, each by its method.
            Assert.That(report, Does.Contain("FaulthandlerRegisterTests.WaitingInANamedMethod("));
            Assert.That(report, Does.Contain("FaulthandlerRegisterTests.ParkedInANamedMethod("));
            Assert.That(registration.Skipped, Is.Zero);
        }
        finally
        {
            release.Set();
        }
    }

    [Test]
    public void UnregisterPutsThePreviousActionBack()
    {
        var before = SignalHandlers.Get(Signal).Kind;
        using (SignalDiagnostics.SubscribeThreadStacks(Signal, TextWriter.Null))
            Assert.That(SignalHandlers.Get(Signal).Kind, Is.EqualTo(SignalDispositionKind.Managed));
        Assert.That(SignalHandlers.Get(Signal).Kind, Is.EqualTo(before));
    }

    [Test]
    public void ChainTheSignalsOtherHandlerStillRuns()
    {
        int handled = 0;
        var previous = SignalHandlers.Set(Signal, _ => Interlocked.Increment(ref handled));
        try
        {
            var text = new StringWriter();
            using var registration = SignalDiagnostics.SubscribeThreadStacks(Signal, TextWriter.Synchronized(text));
            SignalSender.Kill(Environment.ProcessId, Signal);
            WaitingInANamedMethod(text, registration);
            var deadline = Stopwatch.StartNew();
            while (Volatile.Read(ref handled) == 0 && deadline.Elapsed < Patience)
                Thread.Sleep(10);
            Assert.That(Volatile.Read(ref handled), Is.EqualTo(1));
        }
        finally
        {
            SignalHandlers.Restore(Signal);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ParkedInANamedMethod(ManualResetEventSlim parked, ManualResetEventSlim release)
    {
        parked.Set();
        release.Wait();
    }

    /// <summary>Polls until the report is written; this thread is in it, waiting in this method.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string WaitingInANamedMethod(StringWriter text, DiagnosticsSubscription registration)
    {
        var deadline = Stopwatch.StartNew();
        while (registration.Written == 0) // counted after the report is written
        {
            if (deadline.Elapsed > Patience)
                Assert.Fail($"No thread stacks within {Patience.TotalSeconds} s.");
            Thread.Sleep(20);
        }
        return text.ToString();
    }
}
