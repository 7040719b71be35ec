using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Signals.Hosting;

/// <summary>What SIGUSR1 logs: the state of the process and of the host, read when the signal arrives.</summary>
internal sealed record DiagnosticsSnapshot(
    int ProcessId, TimeSpan Uptime, string HostState, string Environment, string Application,
    long WorkingSetBytes, long ManagedHeapBytes, int Gen0, int Gen1, int Gen2,
    int Threads, int PoolThreads, long PoolPending)
{
    internal static DiagnosticsSnapshot Capture(IHostApplicationLifetime lifetime, IHostEnvironment environment, bool terminationReceived)
    {
        using var process = Process.GetCurrentProcess();
        string state = lifetime.ApplicationStopped.IsCancellationRequested ? "stopped"
            : lifetime.ApplicationStopping.IsCancellationRequested || terminationReceived ? "stopping"
            : lifetime.ApplicationStarted.IsCancellationRequested ? "started"
            : "starting";
        return new DiagnosticsSnapshot(
            System.Environment.ProcessId, DateTime.Now - process.StartTime, state, environment.EnvironmentName, environment.ApplicationName,
            process.WorkingSet64, GC.GetTotalMemory(forceFullCollection: false),
            GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2),
            process.Threads.Count, ThreadPool.ThreadCount, ThreadPool.PendingWorkItemCount);
    }

    internal void Log(ILogger logger, SignalEvent signalEvent) =>
        logger.LogInformation(
            "Diagnostics snapshot ({Signal} from pid {SenderPid} uid {SenderUid}, verified {SenderVerified}): application {Application} ({Environment}) {HostState}, pid {ProcessId}, " +
            "uptime {Uptime}, working set {WorkingSetMiB} MiB, managed heap {ManagedHeapMiB} MiB, GC gen0/1/2 {Gen0}/{Gen1}/{Gen2}, " +
            "threads {Threads}, thread pool {PoolThreads} threads with {PoolPending} queued items.",
            signalEvent.Signal, signalEvent.SenderPid, signalEvent.SenderUid, signalEvent.IsSenderVerified, Application, Environment, HostState, ProcessId,
            Uptime.ToString(@"d\.hh\:mm\:ss"), WorkingSetBytes >> 20, ManagedHeapBytes >> 20, Gen0, Gen1, Gen2,
            Threads, PoolThreads, PoolPending);
}
