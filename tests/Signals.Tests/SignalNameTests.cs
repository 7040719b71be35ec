namespace Signals.Tests;

/// <summary>Python's Signals enum, strsignal and valid_signals.</summary>
[TestFixture]
public class SignalNameTests
{
    [TestCase(1, "SIGHUP")]
    [TestCase(2, "SIGINT")]
    [TestCase(10, "SIGUSR1")]
    [TestCase(15, "SIGTERM")]
    [TestCase(17, "SIGCHLD")]
    public void StandardSignalsHaveTheirNames(int number, string name) =>
        Assert.That(new Signal(number).Name, Is.EqualTo(name));

    [Test]
    public void RealTimeSignalsAreNamedFromSigrtmin()
    {
        Assert.That(Signal.RealTimeMin.Number, Is.EqualTo(34), "glibc reserves 32 and 33");
        Assert.That(Signal.RealTimeMin.Name, Is.EqualTo("SIGRTMIN"));
        Assert.That(Signal.RealTime(2).Name, Is.EqualTo("SIGRTMIN+2"));
        Assert.That(Signal.RealTime(2).Number, Is.EqualTo(36));
        Assert.That(Signal.RealTimeMax.Name, Is.EqualTo("SIGRTMAX"));
        Assert.That(Signal.RealTime(2).IsRealTime, Is.True);
        Assert.That(Signal.SIGUSR1.IsRealTime, Is.False);
    }

    [Test]
    public void DescriptionIsStrsignal()
    {
        Assert.That(Signal.SIGUSR1.Description, Is.EqualTo("User defined signal 1"));
        Assert.That(Signal.SIGINT.Description, Is.EqualTo("Interrupt"));
        Assert.That(Signal.SIGTERM.Description, Is.EqualTo("Terminated"));
    }

    [TestCase("USR1")]
    [TestCase("SIGUSR1")]
    [TestCase("sigusr1")]
    [TestCase("10")]
    [TestCase(" 10 ")]
    public void ParseAcceptsNameWithOrWithoutSigAndNumber(string text) =>
        Assert.That(Signal.Parse(text), Is.EqualTo(Signal.SIGUSR1));

    [Test]
    public void ParseAcceptsRealTimeOffsets()
    {
        Assert.That(Signal.Parse("SIGRTMIN+2"), Is.EqualTo(Signal.RealTime(2)));
        Assert.That(Signal.Parse("RTMIN+2"), Is.EqualTo(Signal.RealTime(2)));
        Assert.That(Signal.Parse("SIGRTMAX-1").Number, Is.EqualTo(Signal.RealTimeMax.Number - 1));
        Assert.That(Signal.Parse("36"), Is.EqualTo(Signal.RealTime(2)));
    }

    [TestCase("SIGFOO")]
    [TestCase("0")]
    [TestCase("33")]
    [TestCase("65")]
    [TestCase("SIGRTMIN+31")]
    public void ParseRejectsWhatIsNoSignalAndSaysWhat(string text)
    {
        var error = Assert.Throws<ArgumentException>(() => Signal.Parse(text))!;
        Assert.That(error.Message, Does.Contain($"'{text}' is not a signal"));
        Assert.That(Signal.TryParse(text, out _), Is.False);
    }

    [TestCase("SIGIO", 29)]
    [TestCase("POLL", 29)]
    [TestCase("SIGIOT", 6)]
    [TestCase("CLD", 17)]
    public void ParseAcceptsTheTraditionalAliases(string text, int number)
    {
        Assert.That(Signal.Parse(text).Number, Is.EqualTo(number));
        Assert.That(Signal.Parse(new Signal(number).Name).Number, Is.EqualTo(number), "and the canonical name");
    }

    [Test]
    public void ValidSignalsAreOneToSixtyFourWithoutGlibcsReservedPair()
    {
        var numbers = Signal.ValidSignals.Select(s => s.Number).ToArray();
        Assert.That(numbers, Does.Not.Contain(32).And.Not.Contain(33));
        Assert.That(numbers, Is.EqualTo(Enumerable.Range(1, 31).Concat(Enumerable.Range(34, 31))));
    }

    [Test]
    public void NamesAgreeWithTheKillCommand()
    {
        // `kill -L` prints "N NAME" pairs for the standard signals; every name must parse back to its number.
        string table = Commands.Run("kill", "-L").Output;
        var pairs = table.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Chunk(2).ToArray();
        Assert.That(pairs, Has.Length.GreaterThanOrEqualTo(31));
        foreach (var pair in pairs)
        {
            int number = int.Parse(pair[0]);
            Assert.That(Signal.Parse(pair[1]).Number, Is.EqualTo(number), $"kill -L says {number} is {pair[1]}");
        }
    }
}
