using System.Collections.Concurrent;
using System.Diagnostics;
using NUnit.Framework;

namespace Signals.Tests.Hosting;

/// <summary>
/// tests/Signals.Hosting.TestApp (a real Generic Host with AddSignals) running as a child process, with its
/// output collected line by line. Disposing it kills the child if it is still running.
/// </summary>
internal sealed class HostChildProcess : IDisposable
{
    /// <summary>Generous: the machine is shared and a host start can take seconds.</summary>
    internal static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private HostChildProcess(Process process) => _process = process;

    internal int Pid => _process.Id;

    internal IReadOnlyList<string> Lines => [.. _lines];

    internal string Transcript => string.Join(Environment.NewLine, _lines);

    /// <summary>
    /// How env(1) sets the child's dispositions before it execs the app: the defaults a terminal gives it, whatever
    /// the test runner inherited (a runner started as a background job has SIGINT and SIGQUIT ignored, and that
    /// survives exec, so the host would rightly leave SIGINT alone).
    /// </summary>
    internal const string TerminalDispositions = "--default-signal=INT,QUIT";

    /// <summary>Starts the app in <paramref name="workingDirectory"/> and waits until its host has started.</summary>
    internal static HostChildProcess Start(string workingDirectory, params string[] arguments) =>
        StartWith(TerminalDispositions, workingDirectory, arguments);

    /// <summary>
    /// Like <see cref="Start"/>, with env's <paramref name="dispositions"/> option instead (e.g.
    /// <c>--ignore-signal=INT</c>: started the way a shell starts a background job).
    /// </summary>
    internal static HostChildProcess StartWith(string dispositions, string workingDirectory, params string[] arguments) =>
        StartWith(dispositions, new Dictionary<string, string>(), workingDirectory, arguments);

    /// <summary>Like <see cref="Start"/>, with <paramref name="environment"/> added to the child's environment.</summary>
    internal static HostChildProcess StartWith(IReadOnlyDictionary<string, string> environment, string workingDirectory, params string[] arguments) =>
        StartWith(TerminalDispositions, environment, workingDirectory, arguments);

    /// <summary>
    /// Like <see cref="StartWith(IReadOnlyDictionary{string, string}, string, string[])"/>, but waits only for a line
    /// starting with <paramref name="marker"/> (e.g. "starting pid=" of a start held by --start-gate).
    /// </summary>
    internal static HostChildProcess StartUntil(string marker, IReadOnlyDictionary<string, string> environment, string workingDirectory, params string[] arguments) =>
        StartWith(TerminalDispositions, environment, workingDirectory, arguments, marker);

    /// <summary>Starts tests/Signals.Hosting.WebTestApp (Kestrel) instead, and waits until it has started.</summary>
    internal static HostChildProcess StartWeb(string workingDirectory, params string[] arguments) =>
        StartWith(TerminalDispositions, new Dictionary<string, string>(), workingDirectory, arguments, app: WebApp);

    private const string WebApp = "hosting-webtestapp/Signals.Hosting.WebTestApp.dll";

    /// <summary>
    /// Like <see cref="Start"/>, run as another user (setpriv: real and effective uid and gid, no supplementary
    /// groups); <paramref name="workingDirectory"/> and the files the app reads must be readable by that user.
    /// </summary>
    internal static HostChildProcess StartAsUser(uint uid, string workingDirectory, params string[] arguments) =>
        StartWith(TerminalDispositions, new Dictionary<string, string>(), workingDirectory, arguments,
            runAs: ["setpriv", $"--reuid={uid}", $"--regid={uid}", "--clear-groups"]);

    private static HostChildProcess StartWith(string dispositions, IReadOnlyDictionary<string, string> environment, string workingDirectory, string[] arguments,
        string marker = "ready pid=", string app = "hosting-testapp/Signals.Hosting.TestApp.dll", string[]? runAs = null)
    {
        var process = new Process { StartInfo = StartInfo(dispositions, workingDirectory, arguments, app, runAs) };
        foreach (var (name, value) in environment)
            process.StartInfo.Environment[name] = value;
        var child = new HostChildProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) child._lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) child._lines.Enqueue("stderr: " + e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        child.WaitForLine(line => line.StartsWith(marker, StringComparison.Ordinal), $"the host's '{marker}'");
        return child;
    }

    /// <summary>
    /// Starts the app with stdout and stderr redirected into pipes that nobody reads, so that they fill up and its
    /// writers block. Its markers arrive through <paramref name="markerFile"/>; waits for "ready" there.
    /// </summary>
    internal static HostChildProcess StartUnread(string workingDirectory, string markerFile, params string[] arguments)
    {
        var process = new Process { StartInfo = StartInfo(TerminalDispositions, workingDirectory, ["--marker-file", markerFile, .. arguments]) };
        var child = new HostChildProcess(process);
        process.Start();
        var deadline = Stopwatch.StartNew();
        while (!(File.Exists(markerFile) && File.ReadAllText(markerFile).Contains("ready pid=", StringComparison.Ordinal)))
        {
            if (process.HasExited)
                Assert.Fail($"The host exited ({process.ExitCode}) before it started.");
            if (deadline.Elapsed > Patience)
                Assert.Fail($"The host did not start within {Patience.TotalSeconds} s.");
            Thread.Sleep(50);
        }
        return child;
    }

    private static ProcessStartInfo StartInfo(string dispositions, string workingDirectory, IEnumerable<string> arguments,
        string app = "hosting-testapp/Signals.Hosting.TestApp.dll", string[]? runAs = null)
    {
        // env (and setpriv) exec the app in place: the child's pid is the app's.
        var start = new ProcessStartInfo(runAs is null ? "env" : runAs[0])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (runAs is null ? [] : runAs[1..].Append("env")).Concat([dispositions, DotnetHost(), TestAppPath(app)]).Concat(arguments))
            start.ArgumentList.Add(argument);
        return start;
    }

    internal void Send(Signal signal) => SignalSender.Kill(_process.Id, signal);

    /// <summary>Whether the child has ended.</summary>
    internal bool HasExited => _process.HasExited;

    /// <summary>The child's SigIgn mask from /proc/PID/status: bit N-1 set means signal N is ignored.</summary>
    internal ulong IgnoredSignals() =>
        Convert.ToUInt64(File.ReadAllLines($"/proc/{_process.Id}/status").Single(line => line.StartsWith("SigIgn:", StringComparison.Ordinal))[7..].Trim(), 16);

    /// <summary>Polls the output until a line matches; fails with the transcript after <see cref="Patience"/>.</summary>
    internal string WaitForLine(Func<string, bool> match, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < Patience)
        {
            var found = _lines.FirstOrDefault(match);
            if (found is not null)
                return found;
            if (_process.HasExited && _process.WaitForExit(1000) && _lines.FirstOrDefault(match) is null)
                Assert.Fail($"The host exited ({_process.ExitCode}) before {what}. Output:{Environment.NewLine}{Transcript}");
            Thread.Sleep(50);
        }
        Assert.Fail($"No sign of {what} within {Patience.TotalSeconds} s. Output:{Environment.NewLine}{Transcript}");
        return null!;
    }

    /// <summary>Waits for the child to end and returns its exit status (128+N when a signal ended it).</summary>
    internal int WaitForExit()
    {
        if (!_process.WaitForExit(Patience))
            Assert.Fail($"The host did not exit within {Patience.TotalSeconds} s. Output:{Environment.NewLine}{Transcript}");
        _process.WaitForExit(); // drains the redirected output (when it is read at all)
        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
        _process.Dispose();
    }

    private static string DotnetHost() => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path : "dotnet";

    private static string TestAppPath(string app)
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            if (!File.Exists(Path.Combine(directory.FullName, "Signals.sln")))
                continue;
            string path = Path.Combine(directory.FullName, "build", "bin", app);
            if (!File.Exists(path))
                Assert.Fail($"{path} is missing: build the solution first (./build.sh build).");
            return path;
        }
        Assert.Fail($"No Signals.sln above {TestContext.CurrentContext.TestDirectory}.");
        return null!;
    }
}
