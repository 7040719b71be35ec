using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Signals.Stress.Infrastructure;

namespace Signals.Stress.Scenarios;

/// <summary>
/// R3: <c>size</c> real-time signals arrive, half sent to the process (sigqueue) and half aimed at each
/// worker thread in turn (tgkill from another process), while the workers do file I/O, loopback socket
/// I/O, Thread.Sleep, Process.Start + WaitForExit and Console.ReadLine on a pipe (run.sh feeds standard
/// input from line_feeder). Any exception, wrong data, early wake-up or missing line is a failure.
/// </summary>
internal static class InterruptedCallsScenario
{
    private static readonly TimeSpan SleepTime = TimeSpan.FromMilliseconds(2);

    public static bool Run(Arguments arguments)
    {
        long total = arguments.Long("size", 100_000) / 2 * 2;
        long expectedLines = arguments.Long("lines", 0);
        var signal = Signal.RealTime(2);
        var checks = new CheckList("R3");
        long received = 0;
        using var subscription = SignalEvents.Subscribe(signal, e => Interlocked.Add(ref received, e.Count));

        var stop = new CancellationTokenSource();
        var operations = new Dictionary<string, long>();
        var threadIds = new List<int>();
        var workers = new List<Thread>();
        var ready = new CountdownEvent(6);
        void Start(string name, Action<CancellationToken, Action> work)
        {
            operations[name] = 0;
            var thread = new Thread(() =>
            {
                lock (threadIds)
                    threadIds.Add(SignalSender.CurrentThreadId);
                ready.Signal();
                try
                {
                    work(stop.Token, () => { lock (operations) operations[name]++; });
                }
                catch (Exception exception)
                {
                    checks.Fail($"{name} worker: {exception.GetType().Name}: {exception.Message}");
                }
            }) { Name = $"R3 {name}", IsBackground = true };
            workers.Add(thread);
            thread.Start();
        }

        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        long lines = 0;
        Start("file", (token, done) => FileLoop(token, done, checks));
        Start("socket-server", (token, _) => EchoServer(listener, token));
        Start("socket-client", (token, done) => SocketLoop(((IPEndPoint)listener.LocalEndpoint).Port, token, done, checks));
        Start("sleep", (token, done) => SleepLoop(token, done, checks));
        Start("process", (token, done) => ProcessLoop(token, done, checks));
        Start("console", (_, done) => lines = ReadConsole(done, checks));
        ready.Wait();

        var clock = Stopwatch.StartNew();
        string sender = arguments.Helper("stress_sender"), pid = SignalSender.ProcessId.ToString();
        using var toProcess = new HelperProcess(sender, "queue", pid, signal.Number.ToString(), (total / 2).ToString(), "0");
        using var toThreads = new HelperProcess(sender, "tgkill", pid, signal.Number.ToString(), (total / 2).ToString(),
            string.Join(',', threadIds));
        var deadline = TimeSpan.FromSeconds(arguments.Long("deadline", 900));
        bool ended = toProcess.WaitForExit(deadline) & toThreads.WaitForExit(deadline);
        long sent = Math.Max(0, toProcess.Value("sent")) + Math.Max(0, toThreads.Value("sent"));
        checks.Check(ended && toProcess.ExitCode == 0 && toThreads.ExitCode == 0,
            $"senders sent {sent} of {total} ({toProcess.Error.Trim()} {toThreads.Error.Trim()})");
        checks.Check(Poll.Until(() => Interlocked.Read(ref received) >= sent, TimeSpan.FromSeconds(60)),
            $"received {Interlocked.Read(ref received)} of {sent} sent");
        var signalTime = clock.Elapsed;

        // The console reader ends at end of input; the others run until every signal has arrived.
        var console = workers[^1];
        checks.Check(console.Join(TimeSpan.FromSeconds(120)), "Console.ReadLine reached the end of its input within 120 s");
        stop.Cancel();
        listener.Stop();
        foreach (var worker in workers)
            checks.Check(worker.Join(TimeSpan.FromSeconds(60)), $"worker {worker.Name} ended within 60 s");
        checks.Check(expectedLines == 0 || lines == expectedLines, $"Console.ReadLine read {lines} of {expectedLines} lines");
        lock (operations)
            foreach (var (name, count) in operations)
                checks.Check(name == "socket-server" || count > 0, $"{name}: {count} operations under signals");
        Console.Error.WriteLine($"R3 {sent} signals in {signalTime.TotalSeconds:0.0} s over {threadIds.Count} worker threads");

        bool passed = checks.Failures == 0;
        Console.WriteLine($"STRESS R3 signals={sent} failures={checks.Failures} {(passed ? "PASS" : "FAIL")}");
        return passed;
    }

    private static void FileLoop(CancellationToken token, Action done, CheckList checks)
    {
        string path = Path.Combine(Path.GetTempPath(), $"signals-stress-{Environment.ProcessId}.bin");
        var data = new byte[1 << 20];
        var back = new byte[data.Length];
        try
        {
            for (int round = 0; !token.IsCancellationRequested; round++)
            {
                data.AsSpan().Fill((byte)round);
                using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 4096))
                {
                    file.Write(data);
                    file.Flush(flushToDisk: true);
                }
                using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None, 4096))
                    file.ReadExactly(back);
                if (!back.AsSpan().SequenceEqual(data))
                    checks.Fail($"file round {round}: read back different bytes");
                done();
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void EchoServer(TcpListener listener, CancellationToken token)
    {
        try
        {
            using var client = listener.AcceptTcpClient();
            using var stream = client.GetStream();
            var buffer = new byte[65536];
            int read;
            while ((read = stream.Read(buffer)) > 0)
                stream.Write(buffer, 0, read);
        }
        catch (SocketException) when (token.IsCancellationRequested)
        {
        }
    }

    private static void SocketLoop(int port, CancellationToken token, Action done, CheckList checks)
    {
        using var client = new TcpClient();
        client.Connect(IPAddress.Loopback, port);
        using var stream = client.GetStream();
        var data = new byte[256 * 1024];
        var back = new byte[data.Length];
        for (int round = 0; !token.IsCancellationRequested; round++)
        {
            data.AsSpan().Fill((byte)(round * 7));
            // Write and read concurrently: the echo would otherwise block once the socket buffers are full.
            var writer = Task.Run(() => stream.Write(data));
            stream.ReadExactly(back);
            writer.Wait();
            if (!back.AsSpan().SequenceEqual(data))
                checks.Fail($"socket round {round}: the echo differs");
            done();
        }
        client.Client.Shutdown(SocketShutdown.Send);
    }

    private static void SleepLoop(CancellationToken token, Action done, CheckList checks)
    {
        while (!token.IsCancellationRequested)
        {
            long start = Stopwatch.GetTimestamp();
            Thread.Sleep(SleepTime);
            var slept = Stopwatch.GetElapsedTime(start);
            if (slept < SleepTime)
                checks.Fail($"Thread.Sleep({SleepTime.TotalMilliseconds} ms) returned after {slept.TotalMilliseconds:0.000} ms");
            done();
        }
    }

    private static void ProcessLoop(CancellationToken token, Action done, CheckList checks)
    {
        while (!token.IsCancellationRequested)
        {
            using var child = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "exit 3"]) { UseShellExecute = false })!;
            if (!child.WaitForExit(TimeSpan.FromSeconds(30)))
                checks.Fail($"child {child.Id} did not end within 30 s");
            else if (child.ExitCode != 3)
                checks.Fail($"child {child.Id} exit code {child.ExitCode}, expected 3");
            done();
        }
    }

    private static long ReadConsole(Action done, CheckList checks)
    {
        long count = 0;
        string? line;
        while ((line = Console.ReadLine()) is not null)
        {
            if (line != $"line {count}")
                checks.Fail($"Console.ReadLine: expected 'line {count}', got '{line}'");
            count++;
            done();
        }
        return count;
    }
}
