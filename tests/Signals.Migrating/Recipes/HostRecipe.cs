using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Signals.Hosting;
using static Signals.Migrating.Sample;

namespace Signals.Migrating.Recipes;

/// <summary>
/// From the Generic Host's ConsoleLifetime to AddSignals(). Both stop gracefully on SIGTERM ("stopping", then
/// "host stopped", exit 0). What differs: ConsoleLifetime leaves SIGHUP alone, so its default action ends the
/// process (129); AddSignals() reloads the configuration on SIGHUP ("reloaded N from pid P") and keeps running.
/// </summary>
internal static class HostRecipe
{
    public static int Before() => Run(addSignals: false);

    public static int After() => Run(addSignals: true);

    private static int Run(bool addSignals)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders(); // only the recipe's own lines on stdout
        if (addSignals)
            builder.Services.AddSignals(); // SIGTERM/SIGINT stop with a deadline, SIGHUP reloads, SIGUSR1 diagnostics
        using var host = builder.Build();
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        lifetime.ApplicationStarted.Register(Ready);
        lifetime.ApplicationStopping.Register(() => Say("stopping"));
        if (addSignals)
        {
            int reloads = 0;
            host.Services.GetRequiredService<SignalHostEvents>().ConfigurationReloaded += (_, e) =>
                Say($"reloaded {Interlocked.Increment(ref reloads)} from pid {e.Signal.SenderPid}");
        }
        host.Run();
        Say("host stopped");
        return 0;
    }
}
