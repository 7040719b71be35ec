using System.Globalization;
using System.Runtime.InteropServices;
using Signals.Stress.Infrastructure;

namespace Signals.Stress.Scenarios.Composition;

/// <summary>
/// R8's worker process: runs a batch of generated sequences (seed, first index, count), or one sequence
/// replayed from a file of steps, and talks to the driver (its parent) through standard input and output:
/// <code>
/// SEQ i                 a sequence starts
/// STEP i #id text       the step about to run (the driver keeps them, to replay and shrink)
/// SEND signo count      asks the driver to send; the driver answers "SENT" on our standard input
/// RESULT i PASS|FAIL [category] message
/// </code>
/// It stops at the first failing sequence (the process state is then suspect). A step that does not
/// finish within <see cref="StepDeadline"/> is reported as a hang and the worker kills itself.
/// </summary>
internal static class Worker
{
    private static readonly TimeSpan StepDeadline = TimeSpan.FromSeconds(30);
    private static readonly object OutputGate = new();
    private static long _stepDeadline = long.MaxValue;
    private static int _sequence;
    private static string _currentStep = "";

    public static bool Run(Arguments arguments)
    {
        // Before anything touches the library: which threads already block signals.
        var baseline = new Baseline { BlockedThreads = ThreadMasks.All().Where(t => t.Value.Blocked != 0).ToDictionary(t => t.Key, t => t.Value.Blocked) };
        var foreign = new ForeignHandler(arguments.Helpers);
        var problems = new Problems(arguments.Has("ignore") ? arguments.String("ignore").Split(',', StringSplitOptions.RemoveEmptyEntries) : []);
        SignalEvents.CallbackFailed += (_, e) => problems.Add($"[callback-failed] {e.Exception.GetType().Name}: {e.Exception.Message}");
        var context = new SingleThreadContext();
        SynchronizationContext.SetSynchronizationContext(context);
        StartWatchdog();

        // Warm-up on a signal the sequences do not use: the dispatcher, the pipe, System.Native's signal
        // thread and pipe exist once; what is open after this Shutdown is what every later Shutdown must return to.
        // No Process.Start here: the first one in the process is part of what sequences explore (item 1).
        // System.Native's initialisation is made here as the library makes it (a PosixSignalRegistration
        // created and disposed): a subscription to SIGURG no longer makes it (only one to a signal it takes does,
        // RuntimeSignalHandling.TakenAtInitialization), and a sequence's first SIGCHLD or foreign handler would
        // otherwise open its pipe after the baseline was taken.
#pragma warning disable CA1416 // Linux only, as the library
        PosixSignalRegistration.Create(PosixSignal.SIGCONT, _ => { }).Dispose();
#pragma warning restore CA1416
        using (SignalEvents.Subscribe(Signal.SIGURG, _ => { }, new SubscriptionOptions { Policy = SignalPolicy.Observe })) { }
        SignalEvents.Shutdown();
        baseline.Descriptors = ThreadMasks.Descriptors();
        baseline.Threads = ThreadMasks.CountOutsideThreadPool();

        var sendable = new List<Signal> { Signal.SIGHUP, Signal.SIGUSR1, Signal.SIGUSR2, Signal.RealTime(1), Signal.RealTime(2) };
        var model = new Model(sendable);
        foreach (var signal in sendable)
            if (SignalHandlers.Get(signal).Kind != SignalDispositionKind.Default)
                throw new InvalidOperationException($"{signal} is not SIG_DFL at the start");
        if (SignalHandlers.Get(Signal.SIGCHLD).Kind == SignalDispositionKind.Native)
        {
            model[Signal.SIGCHLD].Top = ChainNode.Runtime;
            model[Signal.SIGCHLD].RuntimeInstalled = true;
        }
        var runner = new Runner(model, problems, foreign, Send, baseline);

        if (arguments.Long("replay-index", -1) is var replayIndex and >= 0)
        {
            var steps = File.ReadAllLines(arguments.String("replay")).Where(line => line.Trim().Length > 0).Select(Step.Parse).ToList();
            return RunSequence((int)replayIndex, model, runner, problems, steps.Count, (id, _) => steps.ElementAtOrDefault(id), replay: true);
        }
        int seed = (int)arguments.Long("seed", 1);
        int first = (int)arguments.Long("first", 0);
        int count = (int)arguments.Long("count", 1);
        int stepsPerSequence = (int)arguments.Long("steps", 40);
        for (int index = first; index < first + count; index++)
        {
            var random = Generator.For(seed, index);
            if (!RunSequence(index, model, runner, problems, stepsPerSequence, (id, _) => Generator.Next(random, model, id + 1), replay: false))
                return false;
        }
        return true;
    }

    private static bool RunSequence(int index, Model model, Runner runner, Problems problems, int length, Func<int, Model, Step?> next, bool replay)
    {
        _sequence = index;
        Emit($"SEQ {index}");
        for (int position = 0; position < length; position++)
        {
            var step = next(position, model);
            if (step is null)
                break;
            if (replay && !model.Applies(step))
            {
                Emit($"SKIP {index} {step}");
                continue;
            }
            if (RunStep(index, runner, step) is { } failure)
                return Fail(index, failure);
        }
        // Cleanup, checked like any step: every handle released, then Shutdown; SIG_IGN set back to SIG_DFL.
        foreach (var step in Cleanup(model))
            if (RunStep(index, runner, step) is { } failure)
                return Fail(index, $"{failure} (in the cleanup)");
        problems.Clear();
        Emit($"RESULT {index} PASS");
        return true;
    }

    private static IEnumerable<Step> Cleanup(Model model)
    {
        const int Id = 900; // cleanup steps are numbered from 900 on
        int id = Id;
        foreach (var subscription in model.SubscriptionIds.ToList())
            yield return new Step(id++, StepKind.Dispose) { Ref = subscription };
        foreach (var handler in model.Subscriptions.Values.Where(s => s.IsHandler).Select(s => s.Signal).ToList())
            yield return new Step(id++, StepKind.Restore) { Signal = handler };
        foreach (var registration in model.RegistrationIds.ToList())
            yield return new Step(id++, StepKind.PosixDispose) { Ref = registration };
        foreach (var cancelKey in model.CancelKeyIds.ToList())
            yield return new Step(id++, StepKind.CancelKeyRemove) { Ref = cancelKey };
        foreach (var signal in model.Sendable.Where(s => model[s].ForeignActive).ToList())
            yield return new Step(id++, StepKind.ForeignRemove) { Signal = signal };
        yield return new Step(id++, StepKind.Shutdown);
        // Not SIGCHLD: SIG_DFL there would take the runtime's handler away from the next sequence's Process.Start.
        foreach (var signal in model.Signals.Values.Where(s => s.Top == ChainNode.Ignored && !s.IsChild).Select(s => s.Signal).ToList())
            yield return new Step(id++, StepKind.SetDefault) { Signal = signal };
    }

    private static string? RunStep(int index, Runner runner, Step step)
    {
        Emit($"STEP {index} {step}");
        _currentStep = step.ToString();
        Interlocked.Exchange(ref _stepDeadline, Environment.TickCount64 + (long)StepDeadline.TotalMilliseconds);
        string? failure = runner.Run(step);
        Interlocked.Exchange(ref _stepDeadline, long.MaxValue);
        return failure;
    }

    private static bool Fail(int index, string failure)
    {
        Emit($"RESULT {index} FAIL {failure.ReplaceLineEndings(" ")}");
        return false;
    }

    private static bool Send(Signal signal, int count)
    {
        Emit($"SEND {signal.Number} {count}");
        return Console.In.ReadLine() == "SENT";
    }

    private static void Emit(string line)
    {
        lock (OutputGate)
            Console.Out.WriteLine(line);
    }

    // A hung step (a deadlocked Shutdown, a WaitForExit without a deadline inside the library) is reported,
    // then the worker ends itself: nothing else in this process can be trusted to finish.
    private static void StartWatchdog()
    {
        var thread = new Thread(() =>
        {
            while (true)
            {
                Thread.Sleep(250);
                if (Environment.TickCount64 <= Interlocked.Read(ref _stepDeadline))
                    continue;
                Emit($"RESULT {_sequence} FAIL [hang] {_currentStep}: did not finish within {StepDeadline.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
                Console.Out.Flush();
                Environment.FailFast("R8 worker: a step hung");
            }
        }) { IsBackground = true, Name = "R8 watchdog" };
        thread.Start();
    }
}
