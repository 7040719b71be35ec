using System.Text.RegularExpressions;
using NUnit.Framework;

namespace Signals.Tests.Demo;

/// <summary>threads-alarm (signal_threads_alarm.py): the alarm set in a thread is handled on the dispatcher thread.</summary>
[TestFixture]
public class ThreadsAlarmCommandTests
{
    [Test]
    public void AlarmIsHandledOnTheDispatcherAndTheSleepIsNotCut()
    {
        var (status, stdout, stderr) = DemoProcess.Run("threads-alarm");
        Assert.That(status, Is.EqualTo(0), string.Join('\n', stdout.Concat(stderr)));
        Assert.That(stderr, Is.Empty);

        var stamped = new Regex($"^(?<time>{PythonTimeParser.Pattern}) (?<text>.+)$");
        var events = stdout.Select(line =>
        {
            var match = stamped.Match(line);
            Assert.That(match.Success, Is.True, $"not '<ctime> text': '{line}'");
            return (Time: PythonTimeParser.Parse(match.Groups["time"].Value), Text: match.Groups["text"].Value);
        }).ToList();
        var texts = events.Select(e => e.Text).ToList();
        Assert.That(texts, Is.EquivalentTo(new[]
        {
            "Setting alarm in alarm_thread", "Sleeping in alarm_thread", "Waiting for alarm_thread",
            "Alarm in Signals dispatcher", "Done with sleep in alarm_thread", "Exiting normally",
        }));
        int Index(string text) => texts.IndexOf(text);
        Assert.That(Index("Setting alarm in alarm_thread"), Is.LessThan(Index("Sleeping in alarm_thread")));
        Assert.That(Index("Sleeping in alarm_thread"), Is.LessThan(Index("Alarm in Signals dispatcher")));
        Assert.That(Index("Alarm in Signals dispatcher"), Is.LessThan(Index("Done with sleep in alarm_thread")), "the alarm does not cut the sleep short");
        Assert.That(Index("Done with sleep in alarm_thread"), Is.LessThan(Index("Exiting normally")));
        Assert.That(Index("Waiting for alarm_thread"), Is.LessThan(Index("Exiting normally")));

        // Whole-second stamps, lower bounds only: alarm(1) fires at least 1 s after "Setting", the 3 s sleep ends at least 3 s after it.
        var setting = events[Index("Setting alarm in alarm_thread")].Time;
        Assert.That(events[Index("Alarm in Signals dispatcher")].Time - setting, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(events[Index("Done with sleep in alarm_thread")].Time - setting, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(3)));
    }
}
