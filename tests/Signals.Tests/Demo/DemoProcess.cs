using System.Diagnostics;
using NUnit.Framework;

namespace Signals.Tests.Demo;

/// <summary>
/// The built demo (build/bin/signals-demo) running as a child process, its stdout and stderr collected line
/// by line so a test can wait for a line, send a signal, and assert what follows. Positive waits poll toward
/// <see cref="Deadline"/>; disposing kills the child if a failed test left it running.
/// </summary>
internal sealed class DemoProcess : IDisposable
{
    /// <summary>How long any expected line or exit may take on a loaded 2-core machine.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static readonly Lazy<string> Executable = new(FindExecutable);
    private readonly object _gate = new();
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];

    private DemoProcess(Process process) => Process = process;

    /// <summary>
    /// The demo's path: <c>SIGNALS_DEMO_EXECUTABLE</c> when set (./build.sh test runs these tests again against
    /// the NativeAOT build, build/aot/signals-demo), else the first build/bin/signals-demo found walking up from
    /// the test assembly.
    /// </summary>
    public static string ExecutablePath => Executable.Value;

    /// <summary>
    /// Whether the demo is a NativeAOT binary, whose runtime installs fewer handlers than CoreCLR's (no SIGTERM,
    /// SIGILL, SIGTRAP, SIGABRT, SIGBUS). A CoreCLR app always has its runtimeconfig.json beside it.
    /// </summary>
    public static bool IsNativeAot =>
        !File.Exists(Path.Combine(Path.GetDirectoryName(ExecutablePath)!, "signals-demo.runtimeconfig.json"));

    /// <summary>The child process.</summary>
    public Process Process { get; }

    /// <summary>Its process id.</summary>
    public int Pid => Process.Id;

    /// <summary>The stdout lines so far.</summary>
    public IReadOnlyList<string> Stdout { get { lock (_gate) return [.. _stdout]; } }

    /// <summary>The stderr lines so far.</summary>
    public IReadOnlyList<string> Stderr { get { lock (_gate) return [.. _stderr]; } }

    /// <summary>
    /// Starts the demo with <paramref name="arguments"/>, with the default dispositions a terminal gives it:
    /// a test runner started from a non-interactive shell's background job has SIGINT and SIGQUIT ignored, and
    /// ignored signals survive exec. env(1) execs the demo, so the child's pid is the demo's.
    /// </summary>
    public static DemoProcess Start(params string[] arguments) =>
        Start("env", ["--default-signal=INT,QUIT,TERM,USR1,USR2", ExecutablePath, .. arguments]);

    /// <summary>Starts any program (e.g. coreutils timeout wrapping the demo), collecting its output the same way.</summary>
    public static DemoProcess Start(string program, IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // never let a child read the test runner's terminal
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            startInfo.ArgumentList.Add(argument);
        var demo = new DemoProcess(new Process { StartInfo = startInfo });
        demo.Process.OutputDataReceived += (_, e) => demo.Append(demo._stdout, e.Data);
        demo.Process.ErrorDataReceived += (_, e) => demo.Append(demo._stderr, e.Data);
        demo.Process.Start();
        demo.Process.BeginOutputReadLine();
        demo.Process.BeginErrorReadLine();
        return demo;
    }

    /// <summary>Runs the demo to its end; returns its exit status and output.</summary>
    public static (int Status, IReadOnlyList<string> Stdout, IReadOnlyList<string> Stderr) Run(params string[] arguments)
    {
        using var demo = Start(arguments);
        int status = demo.WaitForExit();
        return (status, demo.Stdout, demo.Stderr);
    }

    /// <summary>Waits for the first stdout line matching <paramref name="predicate"/>; fails the test at the deadline.</summary>
    public string WaitForLine(Func<string, bool> predicate, string description) => WaitFor(_stdout, predicate, description);

    /// <summary>Waits for a stdout line equal to <paramref name="line"/>.</summary>
    public string WaitForLine(string line) => WaitForLine(candidate => candidate == line, $"the line '{line}'");

    /// <summary>Waits for a stderr line matching <paramref name="predicate"/>.</summary>
    public string WaitForErrorLine(Func<string, bool> predicate, string description) => WaitFor(_stderr, predicate, description);

    /// <summary>Waits for the child to exit (failing at the deadline) and for its output to be fully read; returns the status (128+N when killed by signal N).</summary>
    public int WaitForExit()
    {
        if (!Process.WaitForExit(Deadline))
            Assert.Fail($"the demo (pid {Pid}) did not exit within {Deadline.TotalSeconds} s.\n{Transcript()}");
        Process.WaitForExit(); // returns once the redirected streams reached end of file
        return Process.ExitCode;
    }

    /// <summary>Everything the child printed, for failure messages.</summary>
    public string Transcript() =>
        $"--- stdout ---\n{string.Join('\n', Stdout)}\n--- stderr ---\n{string.Join('\n', Stderr)}";

    /// <summary>Kills the child if it is still running (a failed test), then releases it.</summary>
    public void Dispose()
    {
        try
        {
            if (!Process.HasExited)
            {
                Process.Kill();
                Process.WaitForExit(Deadline);
            }
        }
        catch (InvalidOperationException)
        {
            // never started: nothing to clean up
        }
        Process.Dispose();
    }

    private void Append(List<string> lines, string? line)
    {
        if (line is null)
            return; // end of stream
        lock (_gate)
        {
            lines.Add(line);
            Monitor.PulseAll(_gate);
        }
    }

    private string WaitFor(List<string> lines, Func<string, bool> predicate, string description)
    {
        var stopwatch = Stopwatch.StartNew();
        lock (_gate)
        {
            while (true)
            {
                var found = lines.FirstOrDefault(predicate);
                if (found is not null)
                    return found;
                var left = Deadline - stopwatch.Elapsed;
                if (left <= TimeSpan.Zero)
                    break;
                Monitor.Wait(_gate, left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
            }
        }
        Assert.Fail($"no {description} within {Deadline.TotalSeconds} s (exited: {Process.HasExited}).\n{Transcript()}");
        return null!;
    }

    private static string FindExecutable()
    {
        string? chosen = Environment.GetEnvironmentVariable("SIGNALS_DEMO_EXECUTABLE");
        if (!string.IsNullOrEmpty(chosen))
            return File.Exists(chosen) ? Path.GetFullPath(chosen) : throw new FileNotFoundException($"SIGNALS_DEMO_EXECUTABLE={chosen} does not exist.");
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "build", "bin", "signals-demo");
            if (File.Exists(candidate))
                return candidate;
        }
        throw new FileNotFoundException(
            $"build/bin/signals-demo not found above {TestContext.CurrentContext.TestDirectory}; run ./build.sh build first.");
    }
}
