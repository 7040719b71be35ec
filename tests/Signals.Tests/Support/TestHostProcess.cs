using System.Collections.Concurrent;
using System.Diagnostics;

namespace Signals.Tests.Support;

/// <summary>
/// One run of Signals.TestHost (a scenario in a fresh .NET process). Started through
/// <c>env --default-signal=INT,QUIT</c> so that the child begins with default dispositions whatever the
/// test runner inherited (a runner started in the background has SIGINT ignored, and that survives exec).
/// </summary>
internal sealed class TestHostProcess : IDisposable
{
    private readonly Process _process;
    private readonly BlockingCollection<string> _lines = new();
    private readonly List<string> _seen = new();

    private TestHostProcess(Process process) => _process = process;

    /// <summary>The child's process id (env and dotnet exec in place, so this is the .NET process).</summary>
    public int Pid => _process.Id;

    /// <summary>Every line read so far, for failure messages.</summary>
    public string Transcript => string.Join(" | ", _seen);

    /// <summary>Every line read so far, in order.</summary>
    public IReadOnlyList<string> Lines => _seen;

    public static TestHostProcess Start(params string[] arguments) => StartUnder([], arguments);

    /// <summary>
    /// The same, started through <paramref name="wrapper"/> (a command that ends by exec'ing its arguments, such
    /// as <c>prlimit --nofile=N</c>, <c>setpriv ...</c> or <c>sh -c 'exec "$@" 2&gt;/dev/full' sh</c>), so that
    /// <see cref="Pid"/> is still the .NET process.
    /// </summary>
    public static TestHostProcess StartUnder(string[] wrapper, params string[] arguments)
    {
        string host = Path.Combine(AppContext.BaseDirectory, "Signals.TestHost.dll");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path : "dotnet";
        var command = wrapper.Concat(["env", "--default-signal=INT,QUIT,TERM,USR1,USR2", dotnet, host]).Concat(arguments).ToArray();
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Skip(1))
            start.ArgumentList.Add(argument);
        var process = new Process { StartInfo = start };
        var child = new TestHostProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                child._lines.Add(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                child._lines.Add("stderr: " + e.Data);
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>The first line starting with <paramref name="prefix"/>; fails the test if none comes in time.</summary>
    public string WaitForLine(string prefix)
    {
        var deadline = DateTime.UtcNow + Poll.Deadline;
        while (DateTime.UtcNow < deadline)
        {
            if (!_lines.TryTake(out var line, TimeSpan.FromMilliseconds(100)))
            {
                if (_process.HasExited && _lines.Count == 0)
                    break;
                continue;
            }
            _seen.Add(line);
            if (line.StartsWith(prefix, StringComparison.Ordinal))
                return line;
        }
        NUnit.Framework.Assert.Fail($"the child never printed '{prefix}'. Output: {Transcript}");
        return "";
    }

    /// <summary>Waits for the exit status (128+N when killed by signal N); fails the test if it hangs.</summary>
    public int WaitForExit(TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        if (!_process.WaitForExit(limit))
        {
            _process.Kill();
            NUnit.Framework.Assert.Fail($"the child hung for {limit.TotalSeconds:0} s. Output: {Transcript}");
        }
        _process.WaitForExit(); // drains the redirected output
        while (_lines.TryTake(out var line))
            _seen.Add(line);
        return _process.ExitCode;
    }

    /// <summary>Lines printed after the given prefix was seen, for scenarios that report counts at the end.</summary>
    public string Line(string prefix) =>
        _seen.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) ?? WaitForLine(prefix);

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill();
        _process.Dispose();
    }
}
