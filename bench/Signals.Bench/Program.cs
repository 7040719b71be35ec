using Signals.Bench.Receivers;
using Signals.Bench.Suite;

// Several roles in one program, so the receivers are exactly as built as the orchestrator:
//   Signals.Bench run --tools DIR --out FILE [--rounds N --samples N ...]   the whole suite
//   Signals.Bench receive MODE ACK_FIFO                                       one receiver process
//   Signals.Bench idle bare|psr|ours                                          an idle process holding handlers
//   Signals.Bench first-use ours|psr|ours-phases                              times the first use, then exits
//   Signals.Bench first-signal ours|psr ACK_FIFO                              a cold process's first delivery
return args switch
{
    ["receive", var mode, var ackFifo] => ReceiverModes.Run(mode, ackFifo),
    ["idle", var mode] => IdleReceiver.Run(mode),
    ["first-use", var mode] => FirstUse.Run(mode),
    ["first-signal", var mode, var ackFifo] => FirstUse.FirstSignal(mode, ackFifo),
    ["run", .. var rest] => BenchSuite.Run(BenchOptions.Parse(rest)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Signals.Bench run --tools DIR --out FILE [--rounds N] [--samples N] [--flood N]");
    Console.Error.WriteLine("       Signals.Bench receive MODE ACK_FIFO   (modes: " + string.Join(", ", ReceiverModes.Names) + ")");
    return 2;
}
