namespace Signals.Tests.Composition;

/// <summary>
/// Issue 18, row 8: between "the handler recorded it" and "a callback ran or the default action happened" a
/// delivery is never dropped, Dispose and Shutdown included. Each try is a fresh process that raises SIGUSR1
/// under a Handle subscription and disposes it at once: it either reports the callback, or dies by SIGUSR1
/// (the restored SIG_DFL). On 0.1.0 most tries ended alive with no callback.
/// </summary>
[TestFixture, NonParallelizable]
public class AtomicDisposeTests
{
    private const int Tries = 10;

    [TestCase("dispose")]
    [TestCase("dispose-pool")]
    [TestCase("shutdown")]
    public void ADeliveryRacingDisposeIsCaughtOrFatal(string mode)
    {
        int caught = 0, killed = 0;
        for (int i = 0; i < Tries; i++)
        {
            using var child = TestHostProcess.Start("atomic-dispose", mode);
            int status = child.WaitForExit();
            if (status == 128 + Signal.SIGUSR1.Number)
                killed++;
            else if (status == 0 && child.Line("CAUGHT") == "CAUGHT 1")
                caught++;
            else
                Assert.Fail($"try {i}: neither caught nor fatal (status {status}). {child.Transcript}");
        }
        TestContext.Out.WriteLine($"{mode}: {caught} caught, {killed} killed by the restored SIG_DFL");
        Assert.That(caught + killed, Is.EqualTo(Tries));
    }
}
