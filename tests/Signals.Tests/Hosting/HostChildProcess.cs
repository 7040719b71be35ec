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

    /// <summary>Starts the app in <paramref name="workingDirectory"/> and waits until its host has started.</summary>
    internal static HostChildProcess Start(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(TestAppPath());
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        var process = new Process { StartInfo = start };
        var child = new HostChildProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) child._lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) child._lines.Enqueue("stderr: " + e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        child.WaitForLine(line => line.StartsWith("ready pid=", StringComparison.Ordinal), "the host to start");
        return child;
    }

    internal void Send(Signal signal) => SignalSender.Kill(_process.Id, signal);

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
        _process.WaitForExit(); // drains the redirected output
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

    private static string TestAppPath()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            if (!File.Exists(Path.Combine(directory.FullName, "Signals.sln")))
                continue;
            string app = Path.Combine(directory.FullName, "build", "bin", "hosting-testapp", "Signals.Hosting.TestApp.dll");
            if (!File.Exists(app))
                Assert.Fail($"{app} is missing: build the solution first (./build.sh build).");
            return app;
        }
        Assert.Fail($"No Signals.sln above {TestContext.CurrentContext.TestDirectory}.");
        return null!;
    }
}
