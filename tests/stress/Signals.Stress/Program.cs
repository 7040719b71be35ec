using Signals.Stress.Infrastructure;
using Signals.Stress.Scenarios;
using Signals.Stress.Scenarios.Composition;

// One scenario per process, so that a crash or a hang in one cannot hide the others' results.
// Usage: signals-stress <r1|r2|r3|r4|r5|r7|r7-pid1|r8|r8-worker> helpers=<dir> [size=<n>] [other key=value]
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: signals-stress <r1|r2|r3|r4|r5|r7|r7-pid1|r8|r8-worker> helpers=<dir> [size=<n>] [key=value ...]");
    return 2;
}
var arguments = new Arguments(args[1..]);
bool passed = args[0] switch
{
    "r1" => FloodScenario.Run(arguments),
    "r2" => PingPongScenario.Run(arguments),
    "r3" => InterruptedCallsScenario.Run(arguments),
    "r4" => MisbehavingCallbacksScenario.Run(arguments),
    "r5" => BadInputScenario.Run(arguments),
    "r7" => SecurityScenario.Run(arguments),
    "r7-pid1" => Pid1Scenario.Run(arguments),
    "r8" => CompositionScenario.Run(arguments),
    "r8-worker" => Worker.Run(arguments),
    "probe-null-reference-sigsegv-blocked" => BlockedRuntimeSignalsProbe.NullReferenceWithSigsegvBlocked(),
    "probe-waitforexit-sigchld-first" => SigchldFirstProbe.Run(),
    "probe-gc-sigrtmin-blocked" => BlockedRuntimeSignalsProbe.CollectWithActivationSignalBlocked(),
    _ => throw new ArgumentException($"unknown scenario '{args[0]}'"),
};
return passed ? 0 : 1;
