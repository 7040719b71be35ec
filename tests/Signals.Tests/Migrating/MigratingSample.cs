using Signals.Tests.Demo;

namespace Signals.Tests.Migrating;

/// <summary>
/// Starts build/bin/migrating/signals-migrating (tests/Signals.Migrating: docs/migrating.md's recipes) as a child
/// process, collected like the demo (<see cref="DemoProcess"/>: lines, deadlines, exit status), with the default
/// dispositions a terminal gives a program (a test runner in a background job has SIGINT and SIGQUIT ignored).
/// </summary>
internal static class MigratingSample
{
    private static readonly Lazy<string> Executable = new(FindExecutable);

    public static DemoProcess Start(params string[] arguments) =>
        DemoProcess.Start("env", ["--default-signal=HUP,INT,QUIT,TERM,USR1,USR2", Executable.Value, .. arguments]);

    /// <summary>Waits for "ready PID" and returns the pid, checking it is the child's own (env execs the sample).</summary>
    public static int WaitUntilReady(this DemoProcess sample)
    {
        sample.WaitForLine($"ready {sample.Pid}");
        return sample.Pid;
    }

    /// <summary>Writes one command line to the sample's standard input.</summary>
    public static void Send(this DemoProcess sample, string command)
    {
        sample.Process.StandardInput.WriteLine(command);
        sample.Process.StandardInput.Flush();
    }

    /// <summary>How many stdout lines so far satisfy <paramref name="predicate"/>.</summary>
    public static int Count(this DemoProcess sample, Func<string, bool> predicate) => sample.Stdout.Count(predicate);

    private static string FindExecutable()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "build", "bin", "migrating", "signals-migrating");
            if (File.Exists(candidate))
                return candidate;
        }
        throw new FileNotFoundException(
            $"build/bin/migrating/signals-migrating not found above {TestContext.CurrentContext.TestDirectory}; run ./build.sh build first.");
    }
}
