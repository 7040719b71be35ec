using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using NUnit.Framework;

namespace Signals.Tests.Hosting;

/// <summary>
/// Issue 13, item 2: systemd's notify protocol. A Unix datagram socket stands in for systemd: the child gets its path
/// in NOTIFY_SOCKET, and each test asserts the exact sequence of datagrams the host sent it.
/// </summary>
[TestFixture, NonParallelizable]
public class GenericHostSystemdTests : HostAppFixture
{
    private string _socketPath = null!;
    private Socket _systemd = null!;
    private int _hostPid;

    [SetUp] // after the fixture's, which made WorkDirectory
    public void CreateSocket()
    {
        _socketPath = Path.Combine(WorkDirectory, "notify");
        _systemd = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        _systemd.Bind(new UnixDomainSocketEndPoint(_socketPath));
        // As systemd does: the kernel attaches each sender's pid, uid and gid (SCM_CREDENTIALS), which the sender
        // cannot forge, so a datagram from any other process (a helper, a child) is told apart.
        _systemd.SetRawSocketOption(UnixCredentials.SolSocket, UnixCredentials.SoPasscred, BitConverter.GetBytes(1));
        _hostPid = 0;
    }

    [TearDown] // before the fixture's, which removes WorkDirectory
    public void CloseSocket() => _systemd.Dispose();

    /// <summary>
    /// A Type=notify-reload service without UseSystemd(): RELOADING=1 with the monotonic time the reload began, READY=1
    /// after it, STOPPING=1 on SIGTERM, and nothing else (no READY=1 at start: that is UseSystemd()'s).
    /// </summary>
    [Test]
    public void ReloadAndStopSpeakTheNotifyProtocol()
    {
        using var host = HostChildProcess.StartWith(new Dictionary<string, string> { ["NOTIFY_SOCKET"] = _socketPath },
            WorkDirectory, "--config", ConfigFile);
        _hostPid = host.Pid; // every datagram must come from it (systemd's NotifyAccess=main)
        Reload(host);
        host.Send(Signal.SIGTERM);
        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);

        // The child is gone: whatever else it sent is in the socket now.
        Assert.That(Drain(), Is.EqualTo(new[] { "READY=1", "STOPPING=1" }), host.Transcript);
    }

    /// <summary>
    /// With what UseSystemd() registers (SystemdLifetime says READY=1 at start and STOPPING=1 when stopping): one READY=1
    /// at start, the reload's RELOADING=1/READY=1, and a single STOPPING=1.
    /// </summary>
    [Test]
    public void CoexistsWithUseSystemd()
    {
        using var host = HostChildProcess.StartWith(new Dictionary<string, string> { ["NOTIFY_SOCKET"] = _socketPath },
            WorkDirectory, "--config", ConfigFile, "--systemd-lifetime");
        _hostPid = host.Pid; // every datagram must come from it (systemd's NotifyAccess=main)
        Assert.That(ReceiveOne(), Is.EqualTo("READY=1"), "UseSystemd's READY=1 at start");
        Reload(host);
        host.Send(Signal.SIGTERM);
        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);

        Assert.That(Drain(), Is.EqualTo(new[] { "READY=1", "STOPPING=1" }), host.Transcript);
    }

    /// <summary>
    /// Issue 20: a SIGHUP during a slow start reloads, but says nothing to systemd until the host has started: READY=1
    /// before ApplicationStarted would tell systemd the unit is up. The start's READY=1 (UseSystemd()'s, or ours for the
    /// owed reload without it) comes once the start is over, and only once.
    /// </summary>
    [TestCase(false)]
    [TestCase(true)]
    public void ReloadDuringStartWaitsForTheStartToSayReady(bool systemdLifetime)
    {
        string gate = Path.Combine(WorkDirectory, "start-gate");
        using var host = HostChildProcess.StartUntil("starting pid=", new Dictionary<string, string> { ["NOTIFY_SOCKET"] = _socketPath },
            WorkDirectory, ["--config", ConfigFile, "--start-gate", gate, .. systemdLifetime ? new[] { "--systemd-lifetime" } : []]);
        _hostPid = host.Pid; // every datagram must come from it (systemd's NotifyAccess=main)
        File.WriteAllText(ConfigFile, """{ "Greeting": "bonjour" }""");
        host.Send(Signal.SIGHUP);
        host.WaitForLine(line => line.StartsWith("reloaded Greeting=bonjour", StringComparison.Ordinal), "the reload during the start");
        // The reload's datagrams used to follow its handler (which printed that line) within microseconds: 2 s is
        // plenty even on a loaded machine, and the start is still held by the gate, so anything here is too early.
        Assert.That(_systemd.Poll(TimeSpan.FromSeconds(2), SelectMode.SelectRead), Is.False,
            $"a datagram before the start: {(_systemd.Available > 0 ? ReceiveOne() : "")}");

        File.WriteAllText(gate, "");
        host.WaitForLine(line => line.StartsWith("ready pid=", StringComparison.Ordinal), "the start");
        Assert.That(ReceiveOne(), Is.EqualTo("READY=1"), "the start's READY=1");
        host.Send(Signal.SIGTERM);
        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
        Assert.That(Drain(), Is.EqualTo(new[] { "STOPPING=1" }), host.Transcript);
    }

    /// <summary>
    /// Issue 20: after STOPPING=1 systemd expects the exit, not a reload: a SIGHUP during a (hanging) shutdown still
    /// reloads, but sends neither RELOADING=1 nor READY=1.
    /// </summary>
    [Test]
    public void ReloadDuringShutdownSaysNothingAfterStopping()
    {
        using var host = HostChildProcess.StartWith(new Dictionary<string, string> { ["NOTIFY_SOCKET"] = _socketPath },
            WorkDirectory, "--config", ConfigFile, "--hang-on-stop", "--deadline-ms", "3000");
        _hostPid = host.Pid; // every datagram must come from it (systemd's NotifyAccess=main)
        host.Send(Signal.SIGTERM);
        host.WaitForLine(line => line == "stop-async hanging", "StopAsync starting");
        File.WriteAllText(ConfigFile, """{ "Greeting": "bonjour" }""");
        host.Send(Signal.SIGHUP);
        host.WaitForLine(line => line.StartsWith("reloaded Greeting=bonjour", StringComparison.Ordinal), "the reload during the shutdown");

        Assert.That(host.WaitForExit(), Is.EqualTo(143), host.Transcript);
        Assert.That(Drain(), Is.EqualTo(new[] { "STOPPING=1" }), host.Transcript);
    }

    /// <summary>
    /// Issue 20: WatchdogSec=. With WATCHDOG_USEC=600000 the host sends WATCHDOG=1 every 300 ms (the median gap of eight
    /// ticks, measured here); a failing health check stops the ticks, its recovery resumes them; none after STOPPING=1.
    /// </summary>
    [Test]
    public void WatchdogTicksEveryHalfIntervalWhileTheHealthChecksPass()
    {
        string unhealthy = Path.Combine(WorkDirectory, "unhealthy");
        using var host = HostChildProcess.StartWith(new Dictionary<string, string> { ["NOTIFY_SOCKET"] = _socketPath, ["WATCHDOG_USEC"] = "600000" },
            WorkDirectory, "--config", ConfigFile, "--unhealthy-while", unhealthy);
        _hostPid = host.Pid; // every datagram must come from it (systemd's NotifyAccess=main)
        var arrivals = new List<TimeSpan>();
        var clock = Stopwatch.StartNew();
        while (arrivals.Count < 8)
        {
            Assert.That(ReceiveOne(), Is.EqualTo("WATCHDOG=1"));
            arrivals.Add(clock.Elapsed);
        }
        var gaps = arrivals.Zip(arrivals.Skip(1), (earlier, later) => later - earlier).Order().ToArray();
        Assert.That(gaps[gaps.Length / 2], Is.InRange(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(450)),
            $"median gap between keep-alives (half of 600 ms expected): {string.Join(", ", gaps.Select(gap => gap.TotalMilliseconds))} ms");

        File.WriteAllText(unhealthy, "");
        host.WaitForLine(line => line.Contains("the health checks fail (test-file: "), "the failing check noticed");
        Drain(); // ticks sent before the check failed
        // Five periods: a keep-alive in that time would come from a failing service.
        Assert.That(_systemd.Poll(TimeSpan.FromMilliseconds(1500), SelectMode.SelectRead), Is.False,
            $"a datagram while unhealthy: {(_systemd.Available > 0 ? ReceiveOne() : "")}");

        File.Delete(unhealthy);
        Assert.That(ReceiveOne(), Is.EqualTo("WATCHDOG=1"), "the keep-alives resume");
        host.Send(Signal.SIGTERM);
        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
        var rest = Drain();
        Assert.That(rest.LastOrDefault(), Is.EqualTo("STOPPING=1"), host.Transcript);
        Assert.That(rest.SkipLast(1), Is.All.EqualTo("WATCHDOG=1"), host.Transcript);
    }

    /// <summary>WATCHDOG_PID names another process (the keep-alives are its job): none from us.</summary>
    [Test]
    public void WatchdogForAnotherPidSendsNothing()
    {
        using var host = HostChildProcess.StartWith(new Dictionary<string, string>
            { ["NOTIFY_SOCKET"] = _socketPath, ["WATCHDOG_USEC"] = "600000", ["WATCHDOG_PID"] = "1" }, WorkDirectory, "--config", ConfigFile);
        _hostPid = host.Pid; // every datagram must come from it (systemd's NotifyAccess=main)
        // Five periods of 300 ms: a keep-alive would have come.
        Assert.That(_systemd.Poll(TimeSpan.FromMilliseconds(1500), SelectMode.SelectRead), Is.False,
            $"a datagram: {(_systemd.Available > 0 ? ReceiveOne() : "")}");
        host.Send(Signal.SIGTERM);
        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
        Assert.That(Drain(), Is.EqualTo(new[] { "STOPPING=1" }), host.Transcript);
    }

    /// <summary>
    /// Sends SIGHUP, waits for the reload, and asserts that the next datagram is RELOADING=1 with a MONOTONIC_USEC
    /// between the sending and the reload's end. Returns that datagram.
    /// </summary>
    private string Reload(HostChildProcess host)
    {
        File.WriteAllText(ConfigFile, """{ "Greeting": "bonjour" }""");
        long before = MonotonicMicroseconds();
        host.Send(Signal.SIGHUP);
        host.WaitForLine(line => line.StartsWith("reloaded Greeting=bonjour", StringComparison.Ordinal), "the reload");
        string reloading = ReceiveOne();
        long after = MonotonicMicroseconds();
        Assert.That(reloading, Does.StartWith("RELOADING=1\nMONOTONIC_USEC="));
        long usec = long.Parse(reloading["RELOADING=1\nMONOTONIC_USEC=".Length..]);
        Assert.That(usec, Is.InRange(before, after), "MONOTONIC_USEC is CLOCK_MONOTONIC in microseconds, taken when the reload began");
        return reloading;
    }

    private static long MonotonicMicroseconds() => Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1_000_000);

    /// <summary>Waits (polling, up to the patience) for one datagram, and checks its sender's pid as the kernel reports it.</summary>
    private string ReceiveOne()
    {
        if (!_systemd.Poll(HostChildProcess.Patience, SelectMode.SelectRead))
            Assert.Fail($"No notification within {HostChildProcess.Patience.TotalSeconds} s.");
        var (message, senderPid) = UnixCredentials.Receive(_systemd);
        Assert.That(senderPid, Is.Not.Zero, "no SCM_CREDENTIALS with the datagram");
        if (_hostPid != 0)
            Assert.That(senderPid, Is.EqualTo(_hostPid), $"'{message.Replace('\n', ' ')}' came from pid {senderPid}, not the host");
        return message;
    }

    /// <summary>Every datagram already in the socket, without waiting.</summary>
    private List<string> Drain()
    {
        var messages = new List<string>();
        while (_systemd.Available > 0)
            messages.Add(ReceiveOne());
        return messages;
    }
}
