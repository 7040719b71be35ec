using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Signals.Hosting;

/// <summary>
/// The service manager's notification socket (sd_notify(3)): a Unix datagram socket whose path systemd passes in
/// <c>NOTIFY_SOCKET</c> (a leading '@' means the abstract namespace). Without that variable every call does nothing.
/// Sends never block (a full socket buffer drops the message with a warning): the shutdown must not wait on systemd.
/// Why not Microsoft.Extensions.Hosting.Systemd's <c>SystemdNotifier</c>: it sends on a blocking socket. Measured
/// (issue 20): with the receiver not reading (systemd busy or stalled), a blocking send to a Unix datagram socket
/// blocks once <c>net.unix.max_dgram_qlen</c> datagrams wait (10 here: the 11th send blocked until a 2 s timeout).
/// The watchdog sends a keep-alive every half interval, so a stalled reader would otherwise hang its thread, and a
/// STOPPING=1 sent from ApplicationStopping would hang the shutdown.
/// </summary>
internal sealed class SystemdNotifySocket(string? path, ILogger logger)
{
    /// <summary>Whether a service manager listens.</summary>
    internal bool IsEnabled => !string.IsNullOrEmpty(path);

    internal static SystemdNotifySocket FromEnvironment(ILogger logger) =>
        new(Environment.GetEnvironmentVariable("NOTIFY_SOCKET"), logger);

    /// <summary>
    /// CLOCK_MONOTONIC in microseconds, what systemd compares <c>MONOTONIC_USEC</c> with to tell this reload from an
    /// older one. On Linux the Stopwatch reads CLOCK_MONOTONIC (in nanoseconds).
    /// </summary>
    internal static long MonotonicMicroseconds() => Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1_000_000);

    internal void Notify(string message)
    {
        if (!IsEnabled)
            return;
        try
        {
            string address = path![0] == '@' ? "\0" + path[1..] : path;
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified) { Blocking = false };
            socket.SendTo(Encoding.UTF8.GetBytes(message), new UnixDomainSocketEndPoint(address));
        }
        catch (Exception exception) when (exception is SocketException or ArgumentException)
        {
            logger.LogWarning(exception, "Signals: could not notify the service manager ({Message}) through NOTIFY_SOCKET {Path}.",
                message.Replace('\n', ' '), path);
        }
    }
}
