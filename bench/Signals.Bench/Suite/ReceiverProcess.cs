using System.Diagnostics;

namespace Signals.Bench.Suite;

/// <summary>
/// One long-lived receiver process (C or .NET) with its acknowledgement FIFO, driven through the control
/// protocol on its stdin/stdout. It lives for the whole run, so every round measures a warm receiver.
/// </summary>
internal sealed class ReceiverProcess : IDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(30);
    private readonly Process _process;

    private ReceiverProcess(string name, string ackFifo, Process process)
    {
        Name = name;
        AckFifo = ackFifo;
        _process = process;
    }

    public string Name { get; }
    public string AckFifo { get; }
    public int Pid => _process.Id;

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/> and waits for "ready".</summary>
    public static ReceiverProcess Start(string name, string ackFifo, string fileName, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {fileName}");
        var receiver = new ReceiverProcess(name, ackFifo, process);
        receiver.ExpectLine("ready", StartDeadline);
        return receiver;
    }

    /// <summary>Sends one control line and returns the answer.</summary>
    public string Command(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
        return ReadLine(StartDeadline);
    }

    private void ExpectLine(string expected, TimeSpan deadline)
    {
        string line = ReadLine(deadline);
        if (line != expected)
            throw new InvalidOperationException($"receiver {Name} said '{line}' instead of '{expected}'");
    }

    private string ReadLine(TimeSpan deadline)
    {
        var read = _process.StandardOutput.ReadLineAsync();
        if (!read.Wait(deadline))
            throw new TimeoutException($"receiver {Name} did not answer within {deadline.TotalSeconds} s");
        return read.Result ?? throw new InvalidOperationException(
            $"receiver {Name} exited (status {(_process.HasExited ? _process.ExitCode : -1)})");
    }

    /// <summary>Closes stdin (the receiver's cue to exit) and waits; kills it if it lingers.</summary>
    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(10_000))
                _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _process.Dispose();
    }
}
