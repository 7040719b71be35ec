namespace Signals.Stress.Scenarios.Composition;

/// <summary>What one step of an R8 sequence does (the first word of its text form).</summary>
internal enum StepKind
{
    Subscribe,        // SignalEvents.Subscribe(signal, count, {Policy, Target}); "spawn": the callback also starts a child
    Dispose,          // the subscription made by step Ref
    SetHandler,       // SignalHandlers.Set(signal, handler)
    Restore,          // SignalHandlers.Restore(signal)
    SetDefault,       // SignalHandlers.Set(signal, SignalDisposition.Default)
    SetIgnored,       // SignalHandlers.Set(signal, SignalDisposition.Ignored)
    PosixCreate,      // PosixSignalRegistration.Create(signal, ctx => { count; ctx.Cancel = true; })
    PosixDispose,     // the registration made by step Ref
    CancelKeyAdd,     // Console.CancelKeyPress += handler
    CancelKeyRemove,  // Console.CancelKeyPress -= the handler added by step Ref
    ForeignInstall,   // the C helper's chaining handler, installed with sigaction
    ForeignRemove,    // ... and removed (restores when on top, else stays as a pass-through)
    Send,             // Count deliveries of signal from the driver process (kill, or sigqueue for real-time)
    ProcessStart,     // Process.Start + WaitForExit from the main thread ("sigblk": grep SigBlk /proc/self/status)
    Collect,          // GC.Collect + WaitForPendingFinalizers
    CheckTampering,   // SignalEvents.CheckTampering(repair: true)
    Shutdown,         // SignalEvents.Shutdown(); the next subscription restarts everything
}
