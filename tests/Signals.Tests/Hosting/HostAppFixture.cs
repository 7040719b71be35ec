namespace Signals.Tests.Hosting;

/// <summary>
/// What every test of tests/Signals.Hosting.TestApp as a child process needs: a scratch directory of its own
/// with a settings file the app loads (and a SIGHUP reload re-reads), removed after each test.
/// </summary>
public abstract class HostAppFixture
{
    protected string WorkDirectory { get; private set; } = null!;
    protected string ConfigFile { get; private set; } = null!;

    [SetUp]
    public void CreateConfiguration()
    {
        WorkDirectory = Directory.CreateTempSubdirectory("signals-hosting-").FullName;
        ConfigFile = Path.Combine(WorkDirectory, "settings.json");
        File.WriteAllText(ConfigFile, """{ "Greeting": "hello" }""");
    }

    [TearDown]
    public void RemoveConfiguration() => Directory.Delete(WorkDirectory, recursive: true);
}
