using NUnit.Framework;

namespace Signals.Tests.Demo;

/// <summary>
/// threads (signal_threads.py): unlike Python, the handler runs on the dispatcher thread and the thread
/// waiting for the signal does get it; status 0 instead of "Alarm clock".
/// </summary>
[TestFixture]
public class ThreadsCommandTests
{
    [Test]
    public void TheWaitingThreadGetsTheSignal()
    {
        var (status, stdout, stderr) = DemoProcess.Run("threads");
        string transcript = string.Join('\n', stdout) + "\n" + string.Join('\n', stderr);
        Assert.That(status, Is.EqualTo(0), transcript);
        Assert.That(stderr, Is.Empty);
        Assert.That(stdout, Is.EquivalentTo(new[]
        {
            "Waiting for signal in receiver",
            "Sending signal in sender",
            "Received signal 10 in Signals dispatcher",
            "Waiting for receiver",
            "Done waiting",
        }), transcript);
        int Index(string line) => stdout.ToList().IndexOf(line);
        Assert.That(Index("Waiting for signal in receiver"), Is.LessThan(Index("Sending signal in sender")));
        Assert.That(Index("Sending signal in sender"), Is.LessThan(Index("Received signal 10 in Signals dispatcher")));
        Assert.That(Index("Sending signal in sender"), Is.LessThan(Index("Waiting for receiver")));
        Assert.That(Index("Received signal 10 in Signals dispatcher"), Is.LessThan(Index("Done waiting")),
            "the handler was registered first, so it runs before the waiting thread is released");
    }
}
