using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Signals.Hosting;

namespace Signals.Tests.Hosting;

/// <summary>
/// Issue 20, item 1: the drain before the stop (SignalHostingOptions.ShutdownDelay). A real ASP.NET Core app
/// (tests/Signals.Hosting.WebTestApp, Kestrel) under a load loop of HTTP requests: /ready turns 503 at SIGTERM, every
/// request during the delay is answered 200, then the port closes and the process exits 0 within docker stop's 10 s.
/// </summary>
[TestFixture, NonParallelizable]
public class ShutdownDrainTests : HostAppFixture
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(3);

    [Test]
    public void SigtermTurnsReadinessOffKeepsServingForTheDelayThenStops()
    {
        using var host = HostChildProcess.StartWeb(WorkDirectory, "--delay-ms", ((int)Delay.TotalMilliseconds).ToString(), "--deadline-ms", "8000");
        var url = new Uri(host.Lines.Single(line => line.StartsWith("ready pid=", StringComparison.Ordinal)).Split(" url=")[1]);
        using var client = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(10) };
        Assert.That(Get(client, "/ready"), Is.EqualTo(200), "ready before the signal");

        var sinceSignal = new Stopwatch();
        var answers = new ConcurrentQueue<(TimeSpan At, string Path, int Status)>();
        using var stopLoad = new CancellationTokenSource();
        var load = Task.Run(() =>
        {
            // Until the port closes (a failed request: status -1), or the test gives up.
            while (!stopLoad.IsCancellationRequested)
                foreach (var path in new[] { "/", "/ready" })
                {
                    int status = Get(client, path);
                    answers.Enqueue((sinceSignal.Elapsed, path, status));
                    if (status < 0)
                        return;
                }
        });
        Assert.That(Poll.Until(() => answers.Count >= 10), Is.True, "the load loop runs");
        sinceSignal.Start();
        host.Send(Signal.SIGTERM);

        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
        var exitedAfter = sinceSignal.Elapsed;
        stopLoad.CancelAfter(Poll.Deadline);
        Assert.That(load.Wait(Poll.Deadline), Is.True, "the load loop ends when the port closes");

        var all = answers.ToArray();
        var afterSignal = all.Where(answer => answer.At > TimeSpan.Zero).ToArray();
        // The answers after the signal by path and status, with their time span: "/ 200 x812 0.00-3.03 s".
        string Table() => string.Join(", ", afterSignal.GroupBy(answer => (answer.Path, answer.Status))
            .Select(run => $"{run.Key.Path} {run.Key.Status} x{run.Count()} {run.Min(a => a.At).TotalSeconds:0.00}-{run.Max(a => a.At).TotalSeconds:0.00} s")) + "\n" + host.Transcript;
        Assert.That(all.Where(answer => answer.At == TimeSpan.Zero).Select(answer => answer.Status), Is.All.EqualTo(200), "before the signal");
        var firstNotReady = afterSignal.FirstOrDefault(answer => answer.Path == "/ready" && answer.Status == 503);
        Assert.That(firstNotReady.Path, Is.Not.Null, "/ready never answered 503: " + Table());
        Assert.That(afterSignal.Where(answer => answer.Path == "/ready" && answer.At > firstNotReady.At).Select(answer => answer.Status),
            Is.All.AnyOf(503, -1), "/ready once 503 stays 503 until the port closes: " + Table());
        Assert.That(afterSignal.Where(answer => answer.Path == "/" && answer.Status >= 0).Select(answer => answer.Status), Is.All.EqualTo(200),
            "every request answered during the delay is a 200: " + Table());
        Assert.That(afterSignal.Where(answer => answer.Path == "/" && answer.Status == 200).Max(answer => answer.At), Is.GreaterThan(Delay - TimeSpan.FromSeconds(1)),
            "served until the end of the delay: " + Table());
        Assert.That(afterSignal[^1].Status, Is.EqualTo(-1), "the port closed: " + Table());
        Assert.That(exitedAfter, Is.LessThan(TimeSpan.FromSeconds(10)), "within docker stop's grace period");
        Assert.That(host.Lines, Has.One.EqualTo("draining SIGTERM delay 00:00:03"), host.Transcript);
        Assert.That(host.Lines.ToList().IndexOf("stopping"), Is.GreaterThan(host.Lines.ToList().IndexOf("draining SIGTERM delay 00:00:03")), host.Transcript);
    }

    /// <summary>A second SIGTERM during a 20 s delay skips the rest of it: a clean stop (0) long before the delay ends.</summary>
    [Test]
    public void SecondSigtermSkipsTheRestOfTheDelay()
    {
        using var host = HostChildProcess.StartWeb(WorkDirectory, "--delay-ms", "20000", "--deadline-ms", "28000");
        var sinceSignal = Stopwatch.StartNew();
        host.Send(Signal.SIGTERM);
        host.WaitForLine(line => line == "draining SIGTERM delay 00:00:20", "the drain");
        host.Send(Signal.SIGTERM);

        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
        Assert.That(sinceSignal.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)), host.Transcript);
        Assert.That(host.Lines, Has.One.Contains("during the shutdown delay: stopping the application now."), host.Transcript);
    }

    /// <summary>SIGINT (a developer's Ctrl-C) does not wait for the delay unless configured; with the option it drains too.</summary>
    [TestCase(false)]
    [TestCase(true)]
    public void SigintWaitsOnlyWhenConfigured(bool delayOnInterrupt)
    {
        using var host = HostChildProcess.StartWeb(WorkDirectory, ["--delay-ms", "20000", "--deadline-ms", "28000", .. delayOnInterrupt ? new[] { "--delay-on-interrupt" } : []]);
        host.Send(Signal.SIGINT);
        if (delayOnInterrupt)
        {
            host.WaitForLine(line => line == "draining SIGINT delay 00:00:20", "the drain");
            host.Send(Signal.SIGINT); // skips the rest
        }

        Assert.That(host.WaitForExit(), Is.EqualTo(0), host.Transcript);
        Assert.That(host.Lines.Any(line => line.StartsWith("draining ", StringComparison.Ordinal)), Is.EqualTo(delayOnInterrupt), host.Transcript);
    }

    /// <summary>The deadline counts from the signal and includes the delay: a delay that leaves no time to stop is refused at start.</summary>
    [Test]
    public void DelayNotShorterThanTheDeadlineIsRefusedAtStart()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<IHostLifetime, NoLifetime>();
        builder.Services.AddSignals(options =>
        {
            options.ShutdownDelay = TimeSpan.FromSeconds(10);
            options.ShutdownDeadline = TimeSpan.FromSeconds(8);
        });
        using var host = builder.Build();
        var refusal = Assert.Throws<ArgumentOutOfRangeException>(() => host.StartAsync().GetAwaiter().GetResult());
        Assert.That(refusal!.Message, Does.Contain("The shutdown delay (00:00:10) must be shorter than the shutdown deadline (00:00:08, from AddSignals options)"));
    }

    /// <summary>The status of GET <paramref name="path"/>, or -1 when the request fails (the port closed), -2 when it times out.</summary>
    private static int Get(HttpClient client, string path)
    {
        try
        {
            using var response = client.GetAsync(path).GetAwaiter().GetResult();
            return (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return -1;
        }
        catch (TaskCanceledException)
        {
            return -2; // timed out: neither an answer nor a closed port
        }
    }

    private sealed class NoLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
