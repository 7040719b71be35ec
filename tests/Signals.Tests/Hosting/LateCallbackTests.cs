using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Primitives;
using Signals.Hosting;
using Signals.Interop;

namespace Signals.Tests.Hosting;

/// <summary>
/// Issue 10, item 17: SIGHUP and SIGUSR1 run on the thread pool, so a callback queued just before the host was
/// disposed can start after it. It must do nothing then: no reload, no ConfigurationReloaded, no snapshot.
/// The callbacks are called directly, as such a late pool item would.
/// </summary>
[TestFixture]
public class LateCallbackTests
{
    private static readonly SignalEvent Hangup = new(new NativeRecord { Signo = Signal.SIGHUP.Number, Code = 0, SenderPid = 1 });

    [Test]
    public void HangupThatStartsAfterDisposeDoesNotReload()
    {
        var configuration = new CountingConfiguration();
        var events = new SignalHostEvents();
        int raised = 0;
        events.ConfigurationReloaded += (_, _) => raised++;
        var service = new SignalHostingService(Microsoft.Extensions.Options.Options.Create(new SignalHostingOptions()),
            new IdleLifetime(), new PlainEnvironment(), configuration,
            Microsoft.Extensions.Options.Options.Create(new Microsoft.Extensions.Hosting.HostOptions()), new NoLifetime(), events, NullLogger<SignalHostingService>.Instance);

        service.OnHangup(Hangup);
        Assert.That((configuration.Reloads, raised), Is.EqualTo((1, 1)), "a live host reloads");

        service.Dispose();
        service.OnHangup(Hangup);
        Assert.That((configuration.Reloads, raised), Is.EqualTo((1, 1)), "a disposed host reloaded");
    }

    private sealed class NoLifetime : Microsoft.Extensions.Hosting.IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class CountingConfiguration : IConfigurationRoot
    {
        public int Reloads { get; private set; }
        public void Reload() => Reloads++;
        public IEnumerable<IConfigurationProvider> Providers => [];
        public string? this[string key] { get => null; set { } }
        public IConfigurationSection GetSection(string key) => throw new NotSupportedException();
        public IEnumerable<IConfigurationSection> GetChildren() => [];
        public IChangeToken GetReloadToken() => NullChangeToken.Singleton;
    }

    private sealed class IdleLifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;
        public CancellationToken ApplicationStopping => CancellationToken.None;
        public CancellationToken ApplicationStopped => CancellationToken.None;
        public void StopApplication() { }
    }

    private sealed class PlainEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";
        public string ApplicationName { get; set; } = "LateCallbackTests";
        public string ContentRootPath { get; set; } = "/";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
