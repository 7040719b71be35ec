using System.Text.RegularExpressions;
using NUnit.Framework;

namespace Signals.Tests.Demo;

/// <summary>getsignal (signal_getsignal.py): one line per named signal 1..SIGRTMAX in the seed's format.</summary>
[TestFixture]
public class GetSignalCommandTests
{
    private static readonly Regex LinePattern = new(@"^(?<name>SIG\S+) *\((?<number>[ \d]\d)\): (?<handler>.+)$");

    [Test]
    public void ListsEveryNamedSignalInTheSeedFormat()
    {
        var (status, stdout, stderr) = DemoProcess.Run("getsignal");
        Assert.That(status, Is.EqualTo(0));
        Assert.That(stderr, Is.Empty);

        int rtmin = Signal.RealTimeMin.Number, rtmax = Signal.RealTimeMax.Number;
        var expectedNumbers = Enumerable.Range(1, rtmax).Where(n => n < 32 || n >= rtmin).ToArray();
        var numbers = new List<int>();
        foreach (var line in stdout)
        {
            var match = LinePattern.Match(line);
            Assert.That(match.Success, Is.True, $"not in the seed's format: '{line}'");
            int number = int.Parse(match.Groups["number"].Value);
            string name = match.Groups["name"].Value;
            Assert.That(line, Does.StartWith($"{name,-10} ({number,2}): "), "the seed's {:<10} ({:2d}) layout");
            Assert.That(name, Is.EqualTo(new Signal(number).Name));
            numbers.Add(number);
        }
        Assert.That(numbers, Is.EqualTo(expectedNumbers), "every signal 1..SIGRTMAX with a name, sorted, 32/33 (glibc's) left out");

        Assert.That(stdout, Does.Contain("SIGHUP     ( 1): SIG_DFL"));
        Assert.That(stdout, Does.Contain("SIGKILL    ( 9): SIG_DFL"));
        Assert.That(stdout, Does.Contain("SIGUSR1    (10): SIG_DFL"));
        Assert.That(stdout, Does.Contain("SIGPIPE    (13): SIG_IGN"), ".NET ignores SIGPIPE at startup");
        Assert.That(stdout, Does.Contain("SIGALRM    (14): <method AlarmReceived>"), "the handler registered first");
        Assert.That(stdout, Does.Contain("SIGINT     ( 2): <native handler>"), "the runtime's handler (Python: default_int_handler)");
        // CoreCLR's PAL installs a SIGTERM handler at startup; NativeAOT's runtime leaves SIGTERM alone.
        Assert.That(stdout, Does.Contain(DemoProcess.IsNativeAot ? "SIGTERM    (15): SIG_DFL" : "SIGTERM    (15): <native handler>"));
        Assert.That(stdout, Does.Contain($"SIGRTMIN   ({rtmin}): <native handler>"), "the GC's activation signal");
        Assert.That(stdout, Does.Contain($"SIGRTMIN+2 ({rtmin + 2}): SIG_DFL"));
        Assert.That(stdout, Does.Contain($"SIGRTMAX-1 ({rtmax - 1}): SIG_DFL"));
        Assert.That(stdout[^1], Is.EqualTo($"SIGRTMAX   ({rtmax}): SIG_DFL"));
    }
}
