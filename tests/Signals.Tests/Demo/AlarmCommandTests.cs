using NUnit.Framework;

namespace Signals.Tests.Demo;

/// <summary>alarm (signal_alarm.py): Before, Alarm 2 s later (from the handler), After 4 s after Before.</summary>
[TestFixture]
public class AlarmCommandTests
{
    [Test]
    public void AlarmArrivesDuringTheSleep()
    {
        var (status, stdout, stderr) = DemoProcess.Run("alarm");
        Assert.That(status, Is.EqualTo(0));
        Assert.That(stderr, Is.Empty);
        Assert.That(stdout, Has.Count.EqualTo(3), string.Join('\n', stdout));
        Assert.That(stdout[0], Does.StartWith("Before: "));
        Assert.That(stdout[1], Does.StartWith("Alarm : "));
        Assert.That(stdout[2], Does.StartWith("After : "));
        var before = PythonTimeParser.Parse(stdout[0][8..]);
        var alarm = PythonTimeParser.Parse(stdout[1][8..]);
        var after = PythonTimeParser.Parse(stdout[2][8..]);
        // Lower bounds only (timing on a shared machine is noisy upward). Stamps have whole seconds: alarm(2)
        // was set before "Before" was printed, so at least 1 whole second separates the stamps; the 4 s sleep
        // starts after "Before", so After's stamp is at least 4 s later.
        Assert.That(alarm - before, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(after - before, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(4)));
        Assert.That(after, Is.GreaterThanOrEqualTo(alarm));
    }
}
