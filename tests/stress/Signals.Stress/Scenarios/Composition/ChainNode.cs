namespace Signals.Stress.Scenarios.Composition;

/// <summary>
/// An action in a signal's simulated handler chain. Each signal has at most one of each kind, so a saved
/// "previous action" is just one of these values.
/// </summary>
internal enum ChainNode
{
    Default,  // SIG_DFL
    Ignored,  // SIG_IGN
    Ours,     // libsignals' handler, in its plain form
    OursAlternate, // libsignals' handler, in its other form (SA_NODEFER: core.c, "generations")
    Foreign,  // the C helper's handler (foreign_handler.c)
    Runtime,  // System.Native's handler (PosixSignalRegistration; for SIGCHLD also Process)
}
