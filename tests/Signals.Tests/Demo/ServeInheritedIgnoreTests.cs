using NUnit.Framework;

namespace Signals.Tests.Demo;

/// <summary>
/// Issue 10, item 18: serve started with SIGINT ignored by its parent (as a shell starts a background job,
/// `serve &amp;`) keeps ignoring SIGINT, as Python and the .NET runtime do; SIGTERM still shuts it down cleanly.
/// </summary>
[TestFixture]
public class ServeInheritedIgnoreTests
{
    private const ulong SigintBit = 1UL << (2 - 1);
    private string _directory = null!;
    private string _config = null!;

    [SetUp]
    public void CreateDirectory()
    {
        _directory = Directory.CreateTempSubdirectory("signals-demo-serve-").FullName;
        _config = Path.Combine(_directory, "service.conf");
    }

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void InheritedIgnoredSigintStaysIgnoredAndSigtermStillStops()
    {
        using var service = DemoProcess.Start("env", ["--default-signal=QUIT,TERM,USR1,USR2", "--ignore-signal=INT", DemoProcess.ExecutablePath, "serve", "--config", _config]);
        service.WaitForLine(line => line.Contains(" ready; try: "), "the ready line");
        Assert.That(IgnoredSignals(service.Pid) & SigintBit, Is.EqualTo(SigintBit), "SIGINT is not ignored after serve started");
        Assert.That(service.Stdout, Has.One.EndsWith(" SIGINT is ignored (inherited from the parent process, e.g. a background job): leaving it ignored"));
        Assert.That(service.Stdout, Has.One.EndsWith(" handling SIGTERM: graceful shutdown within 5 s; a second one exits at once"));

        // An ignored signal is discarded when it is sent; the SIGUSR1 that follows is delivered after any SIGINT
        // that was not, so its diagnostics show whether SIGINT got through.
        SignalSender.Kill(service.Pid, Signal.SIGINT);
        SignalSender.Kill(service.Pid, Signal.SIGUSR1);
        service.WaitForLine(line => line.Contains(" diagnostics: uptime ") && line.Contains(", state running, "), "diagnostics of a running service");
        Assert.That(IgnoredSignals(service.Pid) & SigintBit, Is.EqualTo(SigintBit), "SIGINT is no longer ignored");

        SignalSender.Kill(service.Pid, Signal.SIGTERM);
        Assert.That(service.WaitForExit(), Is.Zero, service.Transcript());
        Assert.That(service.Stdout, Has.None.Contains(" received SIGINT"), service.Transcript());
        Assert.That(service.Stdout[^1], Does.Contain(" shutdown complete after ").And.EndWith("; exiting with status 0"));
    }

    private static ulong IgnoredSignals(int pid) =>
        Convert.ToUInt64(File.ReadAllLines($"/proc/{pid}/status").Single(line => line.StartsWith("SigIgn:", StringComparison.Ordinal))[7..].Trim(), 16);
}
