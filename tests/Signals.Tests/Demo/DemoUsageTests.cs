using NUnit.Framework;

namespace Signals.Tests.Demo;

/// <summary>--help everywhere (stdout, status 0); bad arguments: usage on stderr, status 2.</summary>
[TestFixture]
public class DemoUsageTests
{
    private static readonly string[] Commands = ["receive", "getsignal", "alarm", "ignore", "threads", "threads-alarm", "kill", "serve"];

    [Test]
    public void TopLevelHelpListsEveryCommand()
    {
        var (status, stdout, stderr) = DemoProcess.Run("--help");
        Assert.That(status, Is.EqualTo(0));
        Assert.That(stdout[0], Does.StartWith("usage: signals-demo"));
        foreach (var command in Commands)
            Assert.That(stdout, Has.Some.StartsWith($"  {command} "), $"{command} missing from --help");
        Assert.That(stderr, Is.Empty);
    }

    [TestCaseSource(nameof(Commands))]
    public void EveryCommandHasHelp(string command)
    {
        foreach (var flag in new[] { "--help", "-h" })
        {
            var (status, stdout, stderr) = DemoProcess.Run(command, flag);
            Assert.That(status, Is.EqualTo(0), $"{command} {flag}");
            Assert.That(stdout[0], Does.StartWith($"usage: signals-demo {command}"), $"{command} {flag}");
            Assert.That(stdout, Has.Some.Contains("--help"), $"{command} {flag}");
            Assert.That(stderr, Is.Empty, $"{command} {flag}");
        }
    }

    [TestCase("no-such-command")]
    [TestCase("receive", "--no-such-option")]
    [TestCase("receive", "--interval")]
    [TestCase("receive", "--interval", "soon")]
    [TestCase("receive", "--interval", "-1")]
    [TestCase("getsignal", "extra")]
    [TestCase("alarm", "--interval", "1")]
    [TestCase("kill")]
    [TestCase("kill", "123")]
    [TestCase("kill", "123", "USR1", "extra")]
    [TestCase("kill", "123", "USR1", "--value", "many")]
    [TestCase("serve", "--deadline", "0")]
    [TestCase("--bogus")]
    public void BadArgumentsPrintUsageOnStderrAndExit2(params string[] arguments)
    {
        var (status, stdout, stderr) = DemoProcess.Run(arguments);
        Assert.That(status, Is.EqualTo(2));
        Assert.That(stdout, Is.Empty, "usage errors print nothing on stdout");
        Assert.That(stderr[0], Does.StartWith("signals-demo: "), "first the problem");
        Assert.That(stderr, Has.Some.StartsWith("usage: signals-demo"), "then the usage");
    }
}
