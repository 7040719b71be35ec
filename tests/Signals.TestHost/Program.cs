using Signals;
using Signals.TestHost;
using Signals.TestHost.Scenarios;

// Signals.TestHost <scenario> [arguments]: one scenario per process, so each starts with a fresh runtime.
if (args.Length == 0)
{
    Report.Line("usage: Signals.TestHost <scenario> [arguments]");
    return ExitCodes.Usage;
}

string Arg(int index) => args.Length > index ? args[index] : "";

return args[0] switch
{
    "dispositions" => DispositionsScenario.Run(),
    "cancel-key-press" => CancelKeyPressScenario.Run(order: Arg(1), policy: Arg(2)),
    "process-wait" => ProcessWaitScenario.Run(order: Arg(1)),
    "gc-spin" => GcSpinScenario.Run(),
    "posix-registration" => PosixRegistrationScenario.Run(repair: Arg(1)),
    "chain" => ChainScenario.Run(policy: Arg(1)),
    "sigterm" => SigtermScenario.Run(mode: Arg(1)),
    "unhandled" => UnhandledScenario.Run(mode: Arg(1)),
    "disposition-toggle" => DispositionToggleScenario.Run(),
    "sigchld-refusal" => SigchldRefusalScenario.Run(),
    "send" => SendScenario.Run(pid: int.Parse(Arg(1)), signal: Signal.Parse(Arg(2)), value: Arg(3)),
    "masks" => MaskScenario.Run(),
    "forged-record" => ForgedRecordScenario.Run(),
    "observe-under-registration" => ObserveUnderRegistrationScenario.Run(),
    "repair-fight" => RepairFightScenario.Run(),
    "throwing-context" => ThrowingContextScenario.Run(),
    "shutdown-from-callback" => ShutdownFromCallbackScenario.Run(mode: Arg(1)),
    "shutdown-race" => ShutdownRaceScenario.Run(),
    "dispose-handoff" => DisposeHandOffScenario.Run(),
    "atomic-dispose" => AtomicDisposeScenario.Run(mode: Arg(1)),
    "idle-footprint" => IdleFootprintScenario.Run(),
    "stderr-full" => StderrFullScenario.Run(),
    "descriptors-exhausted" => DescriptorsExhaustedScenario.Run(),
    "load-retry" => LoadRetryScenario.Run(),
    "thread-limit" => ThreadLimitScenario.Run(),
    "reader-eagain" => ReaderEagainScenario.Run(),
    "forward-as-init" => ForwardAsInitScenario.Run(),
    _ => Report.Fail($"unknown scenario '{args[0]}'", ExitCodes.Usage),
};
