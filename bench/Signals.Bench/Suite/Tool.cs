using System.Diagnostics;

namespace Signals.Bench.Suite;

/// <summary>Runs one of the C programs to completion.</summary>
internal static class Tool
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    public sealed record Result(int ExitCode, string Output, string Errors);

    public static Result Run(string fileName, params string[] arguments)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {fileName}");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Deadline))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(fileName)} ran longer than {Deadline.TotalMinutes} minutes");
        }
        process.WaitForExit();
        return new Result(process.ExitCode, output.Result, errors.Result);
    }

    /// <summary>Like <see cref="Run"/>, but a non-zero exit status is an error.</summary>
    public static string RunChecked(string fileName, params string[] arguments)
    {
        var result = Run(fileName, arguments);
        if (result.ExitCode != 0)
            throw new InvalidOperationException(
                $"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} failed (status {result.ExitCode}): {result.Errors}{result.Output}");
        return result.Output;
    }

    /// <summary>Parses "key=value key=value" into a dictionary.</summary>
    public static Dictionary<string, string> Fields(string line) =>
        line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(field => field.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1]);
}
