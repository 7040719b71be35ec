using System.Diagnostics;

namespace Signals.Stress.Infrastructure;

/// <summary>
/// A child process (a C sender, a command-line tool) whose one-line "key=value ..." summary on standard
/// output is parsed when it ends.
/// </summary>
internal sealed class HelperProcess : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _output;
    private readonly Task<string> _error;

    public HelperProcess(string program, params IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        CommandLine = $"{program} {string.Join(' ', start.ArgumentList)}";
        _process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {CommandLine}");
        _output = _process.StandardOutput.ReadToEndAsync();
        _error = _process.StandardError.ReadToEndAsync();
    }

    public string CommandLine { get; }

    public int Id => _process.Id;

    /// <summary>Waits for the end; false when it did not end in time (it is then killed).</summary>
    public bool WaitForExit(TimeSpan deadline)
    {
        if (_process.WaitForExit(deadline))
        {
            _process.WaitForExit(); // and for the redirected streams
            return true;
        }
        Console.Error.WriteLine($"helper did not end within {deadline.TotalSeconds:0} s, killing it: {CommandLine}");
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        return false;
    }

    public int ExitCode => _process.ExitCode;

    public string Output => _output.Result;

    public string Error => _error.Result;

    /// <summary>The value of key=... in the output's last line that has it, or -1.</summary>
    public long Value(string key)
    {
        foreach (var line in Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Reverse())
            foreach (var field in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                if (field.StartsWith(key + "=", StringComparison.Ordinal) && long.TryParse(field.AsSpan(key.Length + 1), out long value))
                    return value;
        return -1;
    }

    public void Dispose() => _process.Dispose();

    /// <summary>Runs a command to its end (deadline 60 s) and returns it for its exit code and output.</summary>
    public static HelperProcess Run(string program, params IEnumerable<string> arguments)
    {
        var helper = new HelperProcess(program, arguments);
        helper.WaitForExit(TimeSpan.FromSeconds(60));
        return helper;
    }
}
