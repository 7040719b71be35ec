using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Signals.Hosting;

/// <summary>
/// <c>DOTNET_DbgEnableMiniDump=1</c> with <c>DOTNET_EnableDumpOnSigTerm=1</c> asks the runtime for a dump when SIGTERM
/// arrives; the runtime writes it in its own SIGTERM handler, which <c>AddSignals</c> replaces (as ConsoleLifetime's
/// registration does, so a Generic Host never wrote it). With those two set, the first SIGTERM writes the dump the
/// runtime would have (its <c>DOTNET_DbgMiniDumpType</c>, default 2 with heap; its <c>DOTNET_DbgMiniDumpName</c>, default
/// /tmp/coredump.%p, with %p pid, %e executable name, %h host name, %t seconds since the epoch, %% a percent sign)
/// through an <see cref="IProcessDumpWriter"/>, then the graceful shutdown runs. The shutdown deadline is armed before
/// the dump, so a dump that hangs cannot hold the process past it.
/// </summary>
internal static class DumpOnSigTerm
{
    /// <summary>Whether the environment asks for a dump on SIGTERM (DOTNET_ or the older COMPlus_ prefix).</summary>
    internal static bool Requested() => Setting("DbgEnableMiniDump") == "1" && Setting("EnableDumpOnSigTerm") == "1";

    /// <summary>Writes the dump (or logs why not), then stops the application. Runs on a thread-pool thread.</summary>
    internal static void ThenStop(IProcessDumpWriter? writer, Action stop, ILogger logger)
    {
        try
        {
            Write(writer, logger);
        }
        finally
        {
            stop();
        }
    }

    private static void Write(IProcessDumpWriter? writer, ILogger logger)
    {
        if (writer is null)
        {
            logger.LogWarning("DOTNET_EnableDumpOnSigTerm=1 asks for a dump on SIGTERM, which AddSignals handles instead of the runtime: " +
                "add the Signals.Diagnostics package and call services.AddSignalDiagnostics() to have it written. Stopping without a dump.");
            return;
        }
        string path = ExpandName(Setting("DbgMiniDumpName") is { Length: > 0 } template ? template : "/tmp/coredump.%p");
        int type = int.TryParse(Setting("DbgMiniDumpType"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int parsed) && parsed is >= 1 and <= 4 ? parsed : 2;
        var took = Stopwatch.StartNew();
        try
        {
            long bytes = writer.WriteDump(path, type, CancellationToken.None);
            logger.LogInformation("DOTNET_EnableDumpOnSigTerm: wrote {Path} ({SizeMiB} MiB, type {DumpType}) in {Milliseconds} ms; now stopping the application.",
                path, bytes >> 20, type, took.ElapsedMilliseconds);
        }
        catch (Exception exception) when (exception is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("DOTNET_EnableDumpOnSigTerm: no dump written to {Path}: {Cause} Stopping the application.", path, exception.Message);
        }
    }

    /// <summary>The runtime's DOTNET_DbgMiniDumpName placeholders: %p pid, %e executable name, %h host name, %t epoch seconds, %% percent.</summary>
    internal static string ExpandName(string template)
    {
        var name = new System.Text.StringBuilder();
        for (int i = 0; i < template.Length; i++)
        {
            char c = template[i];
            if (c != '%' || i + 1 == template.Length)
            {
                name.Append(c);
                continue;
            }
            char code = template[++i];
            name.Append(code switch
            {
                'p' => Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
                'e' => ExecutableName(),
                'h' => Environment.MachineName,
                't' => DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
                '%' => "%",
                _ => "%" + code,
            });
        }
        return name.ToString();
    }

    private static string ExecutableName()
    {
        using var process = Process.GetCurrentProcess();
        return process.ProcessName;
    }

    private static string? Setting(string name) =>
        Environment.GetEnvironmentVariable("DOTNET_" + name) ?? Environment.GetEnvironmentVariable("COMPlus_" + name);
}
