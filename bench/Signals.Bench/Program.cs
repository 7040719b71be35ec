using Signals.Bench.Receivers;
using Signals.Bench.Suite;

// Two roles in one program, so the receivers are exactly as built as the orchestrator:
//   Signals.Bench run --tools DIR --out FILE [--rounds N --samples N ...]   the whole suite
//   Signals.Bench receive MODE ACK_FIFO                                       one receiver process
return args switch
{
    ["receive", var mode, var ackFifo] => ReceiverModes.Run(mode, ackFifo),
    ["run", .. var rest] => BenchSuite.Run(BenchOptions.Parse(rest)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Signals.Bench run --tools DIR --out FILE [--rounds N] [--samples N] [--flood N]");
    Console.Error.WriteLine("       Signals.Bench receive MODE ACK_FIFO   (modes: " + string.Join(", ", ReceiverModes.Names) + ")");
    return 2;
}
