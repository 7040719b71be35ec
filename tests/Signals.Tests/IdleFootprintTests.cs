namespace Signals.Tests;

/// <summary>
/// Issue 11: an idle process holding subscriptions must not pull in assemblies that only rare paths need:
/// their pages were much of the resident memory a subscription added (System.Linq 0.46 MB, loaded by the
/// periodic tamper check, and the metrics library; bench/results/profile.md). Subscribing and two periodic
/// tamper checks load none of them (in a fresh child process, so nothing else has loaded them first). Not
/// System.Collections: this suite runs the IL build, where the JIT resolves what the ReadyToRun image does not.
/// </summary>
[TestFixture]
public class IdleFootprintTests
{
    private static readonly string[] OnlyForRarePaths =
        ["System.Linq", "System.Collections.Concurrent", "System.Diagnostics.DiagnosticSource"];

    [Test]
    public void SubscribingAndTheIdleTamperChecksLoadNoRarePathAssembly()
    {
        using var child = TestHostProcess.Start("idle-footprint");
        Assert.That(child.WaitForExit(), Is.Zero, child.Transcript);
        var loaded = child.Lines
            .Where(line => line.StartsWith("LOADED ", StringComparison.Ordinal))
            .Select(line => line["LOADED ".Length..].Trim())
            .ToList();
        Assert.That(child.Lines, Does.Contain("SUBSCRIBED"), child.Transcript);
        Assert.That(loaded.Intersect(OnlyForRarePaths), Is.Empty, $"loaded while idle: {string.Join(", ", loaded)}");
    }
}
