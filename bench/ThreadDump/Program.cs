// Signals.Bench.ThreadDump [RUNS]: the thread-stacks report of Signals.Diagnostics (bench/thread-dump.sh).
return Signals.Bench.ThreadDump.ThreadDumpBench.Run(args.Length > 0 ? int.Parse(args[0]) : 5);
