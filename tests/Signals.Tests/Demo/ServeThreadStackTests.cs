using NUnit.Framework;

namespace Signals.Tests.Demo;

/// <summary>
/// serve on <c>kill -QUIT</c>: every managed thread's stack on stdout (Signals.Diagnostics), and the service keeps
/// running. Against the NativeAOT demo (tests/platforms) the report lists the OS threads and says why there are no
/// managed stacks.
/// </summary>
[TestFixture]
public class ServeThreadStackTests
{
    private string _directory = null!;
    private string _config = null!;

    [SetUp]
    public void CreateDirectory()
    {
        _directory = Directory.CreateTempSubdirectory("signals-demo-quit-").FullName;
        _config = Path.Combine(_directory, "service.conf");
    }

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void QuitPrintsTheThreadStacksAndTheServiceKeepsRunning()
    {
        using var service = DemoProcess.Start("serve", "--config", _config);
        service.WaitForLine(line => line.EndsWith(" handling SIGQUIT: print every managed thread's stack (the service keeps running)"), "the SIGQUIT line");
        service.WaitForLine(line => line.Contains(" ready; try: "), "the ready line");
        ShellCommands.Kill("QUIT", service.Pid);

        string header = service.WaitForLine(line => line.StartsWith($"Thread stacks of pid {service.Pid} (signals-demo) at "), "the report's header");
        Assert.That(header, Does.Contain("SIGQUIT from pid "));
        if (DemoProcess.IsNativeAot)
        {
            service.WaitForLine(line => line.Contains("No managed stacks under NativeAOT"), "the NativeAOT line");
            service.WaitForLine(line => line.Contains("\"Signals dispatc\""), "the dispatcher in the OS thread list");
        }
        else
        {
            Assert.That(header, Does.Match(@"\d+ managed threads \(\d+ thread-pool, 1 finalizer\)"));
            // The main thread, working in DemoService.Run (it waits on the shutdown token between jobs).
            service.WaitForLine(line => line.Trim().StartsWith("at Signals.Demo.Serve.DemoService.Run()", StringComparison.Ordinal), "the main thread's DemoService.Run frame");
            service.WaitForLine(line => line.Contains("Signals dispatcher):"), "the dispatcher's block");
        }
        Assert.That(service.Stdout, Has.None.Contains("[createdump]"), service.Transcript());

        // Still serving: diagnostics answer, and SIGTERM shuts it down normally.
        ShellCommands.Kill("USR1", service.Pid);
        service.WaitForLine(line => line.Contains(" received SIGUSR1 ("), "SIGUSR1 handled after the stacks");
        ShellCommands.Kill("TERM", service.Pid);
        Assert.That(service.WaitForExit(), Is.EqualTo(0), service.Transcript());
    }
}
