using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Signals.Stress.Infrastructure;

namespace Signals.Stress.Scenarios.Composition;

/// <summary>
/// R8, the driver: seeded random sequences of steps over the public API and the runtime features users
/// combine with it (see <see cref="StepKind"/>), each checked step by step against a reference model
/// (<see cref="SignalModel"/>). Worker processes (<see cref="Worker"/>) run batches of sequences, so a crash
/// or a hang in one is caught and reported; the driver sends every signal from its own process. A failing
/// sequence is replayed alone in a fresh worker to confirm it, then shrunk (steps removed one at a time
/// while the same kind of failure remains), and printed with its seed, index and shortest step list.
/// <para>Arguments: sequences=N steps=M [seed=S (or R8_SEED)] [first=I] [batch=B] [jobs=J] [shrinks=K]
/// [shrink-seconds=T] [ignore=category,...] [logs=DIR]; replay=FILE runs one step list (as printed) in a fresh worker and shows its output.</para>
/// </summary>
internal static class CompositionScenario
{
    private static readonly TimeSpan SilenceDeadline = TimeSpan.FromSeconds(90);
    private static string _ignore = "";
    private static TimeSpan _shrinkBudget = TimeSpan.FromMinutes(3);

    public static bool Run(Arguments arguments)
    {
        string helpers = arguments.Helpers;
        string logs = arguments.Has("logs") ? arguments.String("logs") : Path.Combine(Path.GetTempPath(), "signals-r8");
        Directory.CreateDirectory(logs);
        // Categories to look past (a known defect that would end every sequence before the others show).
        _ignore = arguments.Has("ignore") ? arguments.String("ignore") : "";
        if (arguments.Has("replay"))
            return Replay(helpers, arguments.String("replay"));

        int sequences = (int)arguments.Long("sequences", 60);
        int steps = (int)arguments.Long("steps", 40);
        int first = (int)arguments.Long("first", 0);
        int batch = (int)arguments.Long("batch", 20);
        int jobs = (int)arguments.Long("jobs", 2);
        int shrinks = (int)arguments.Long("shrinks", 6);
        _shrinkBudget = TimeSpan.FromSeconds(arguments.Long("shrink-seconds", 180));
        string? seedText = arguments.Has("seed") ? arguments.String("seed") : Environment.GetEnvironmentVariable("R8_SEED");
        int seed = string.IsNullOrEmpty(seedText) ? Random.Shared.Next(1, int.MaxValue) : int.Parse(seedText);
        string self = Environment.ProcessPath!;
        Console.Error.WriteLine($"R8 seed={seed} sequences={sequences} (from {first}) steps={steps} batch={batch} jobs={jobs}");
        Console.Error.WriteLine($"R8 replay this run: {self} r8 helpers={helpers} seed={seed} first={first} sequences={sequences} steps={steps} batch={batch}{(_ignore.Length > 0 ? $" ignore={_ignore}" : "")}");

        var results = new ConcurrentDictionary<int, SequenceResult>();
        var batches = new ConcurrentQueue<(int First, int End)>();
        for (int start = first; start < first + sequences; start += batch)
            batches.Enqueue((start, Math.Min(start + batch, first + sequences)));
        var clock = Stopwatch.StartNew();
        var threads = Enumerable.Range(0, jobs).Select(_ => new Thread(() =>
        {
            while (batches.TryDequeue(out var range))
            {
                for (int next = range.First; next < range.End;)
                {
                    var run = RunWorker(helpers, [$"seed={seed}", $"first={next}", $"count={range.End - next}", $"steps={steps}"]);
                    foreach (var result in run)
                    {
                        results[result.Index] = result;
                        if (!result.Passed)
                            Console.Error.WriteLine($"R8 sequence {result.Index} FAILED: {result.Failure}");
                    }
                    int last = run.Count == 0 ? next : run.Max(r => r.Index);
                    if (run.Count == 0)
                        results[next] = new SequenceResult(next) { Finished = true, Failure = "[worker] the worker ended before its first sequence" };
                    next = last + 1;
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        var failed = results.Values.Where(r => !r.Passed).OrderBy(r => r.Index).ToList();
        Console.Error.WriteLine($"R8 ran {results.Count} sequences in {clock.Elapsed.TotalSeconds:0} s; {failed.Count} failed");

        int finding = 0;
        foreach (var group in failed.GroupBy(r => r.Category))
        {
            finding++;
            var firstFailure = group.First();
            Console.Error.WriteLine($"R8 FINDING {finding} {group.Key}: {group.Count()} sequence(s) ({string.Join(",", group.Take(12).Select(r => r.Index))}{(group.Count() > 12 ? ",..." : "")})");
            if (finding <= shrinks)
                Report(helpers, logs, seed, firstFailure);
            else
                Console.Error.WriteLine($"  first: sequence {firstFailure.Index}: {firstFailure.Failure} (not shrunk: shrinks={shrinks})");
        }
        bool passed = failed.Count == 0 && results.Count == sequences;
        Console.WriteLine($"STRESS R8 sequences={results.Count} steps={steps} failures={failed.Count} {(passed ? "PASS" : "FAIL")}");
        return passed;
    }

    /// <summary>Confirms a failure alone in a fresh worker, shrinks it, prints it and how to replay it.</summary>
    private static void Report(string helpers, string logs, int seed, SequenceResult failure)
    {
        var steps = failure.SequenceSteps;
        string stem = Path.Combine(logs, $"r8-seed{seed}-seq{failure.Index}");
        File.WriteAllLines(stem + ".steps", steps);
        Console.Error.WriteLine($"  sequence {failure.Index} of seed {seed}: {failure.Failure}");
        // Some failures depend on timing (which thread creates the thread pool's first worker): three tries.
        var alone = ReplaySteps(helpers, stem + ".try", steps);
        for (int attempt = 1; attempt < 3 && alone.Passed; attempt++)
            alone = ReplaySteps(helpers, stem + ".try", steps);
        if (alone.Passed)
        {
            Console.Error.WriteLine($"  NOT reproduced alone in a fresh worker (3 tries): it needs what the earlier sequences of its batch left behind");
            Console.Error.WriteLine($"  regenerate: {Environment.ProcessPath} r8 helpers={helpers} seed={seed} first={failure.Index} sequences=1 batch=1");
            return;
        }
        Console.Error.WriteLine($"  reproduced alone: {alone.Failure}");
        string category = alone.Category;
        var shortest = Shrink(helpers, stem + ".try", steps, category, out var last);
        File.WriteAllLines(stem + ".shrunk.steps", shortest);
        Console.Error.WriteLine($"  shortest failing sequence ({shortest.Count} of {steps.Count} steps), failing with: {last.Failure}");
        foreach (var step in shortest)
            Console.Error.WriteLine($"    {step}");
        Console.Error.WriteLine($"  replay: {Environment.ProcessPath} r8 helpers={helpers} replay={stem}.shrunk.steps");
        Console.Error.WriteLine($"  (all {steps.Count} steps: replay={stem}.steps; regenerate: seed={seed} first={failure.Index} sequences=1 batch=1)");
    }

    /// <summary>
    /// Removes steps while the sequence still fails the same way: first chunks (halves, quarters... of what is
    /// left, which drops the unrelated bulk in a few runs), then single steps, last first, until nothing more goes.
    /// </summary>
    private static List<string> Shrink(string helpers, string file, List<string> steps, string category, out SequenceResult last)
    {
        var current = steps.ToList();
        last = ReplaySteps(helpers, file, current);
        var budget = Stopwatch.StartNew();
        for (int chunk = Math.Max(1, current.Count / 2); budget.Elapsed < _shrinkBudget;)
        {
            bool progress = false;
            for (int start = current.Count - chunk; start >= 0 && budget.Elapsed < _shrinkBudget; start -= chunk)
            {
                var candidate = current.Where((_, position) => position < start || position >= start + chunk).ToList();
                var result = ReplaySteps(helpers, file, candidate);
                if (!result.Passed && result.Category == category)
                {
                    current = candidate;
                    last = result;
                    progress = true;
                }
            }
            if (chunk > 1)
                chunk = Math.Max(1, chunk / 2);
            else if (!progress)
                break;
        }
        return current;
    }

    private static bool Replay(string helpers, string file)
    {
        var result = ReplaySteps(helpers, file + ".run", File.ReadAllLines(file).Where(l => l.Trim().Length > 0).ToList(), echo: true);
        Console.WriteLine(result.Passed ? "R8 replay PASS" : $"R8 replay FAIL {result.Failure}");
        return result.Passed;
    }

    private static SequenceResult ReplaySteps(string helpers, string file, List<string> steps, bool echo = false)
    {
        File.WriteAllLines(file, steps);
        var run = RunWorker(helpers, [$"replay={file}", "replay-index=0"], echo, quiet: true);
        return run.FirstOrDefault() ?? new SequenceResult(0) { Finished = true, Failure = "[worker] no result" };
    }

    /// <summary>Runs one worker to its end, serving its SEND requests; one result per sequence it started.</summary>
    private static List<SequenceResult> RunWorker(string helpers, IEnumerable<string> arguments, bool echo = false, bool quiet = false)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("r8-worker");
        start.ArgumentList.Add($"helpers={helpers}");
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        if (_ignore.Length > 0)
            start.ArgumentList.Add($"ignore={_ignore}");
        using var worker = Process.Start(start)!;
        var errors = new StringBuilder();
        worker.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (errors)
                if (errors.Length < 64 * 1024)
                    errors.AppendLine(e.Data);
            if (echo)
                Console.Error.WriteLine($"  worker: {e.Data}");
        };
        worker.BeginErrorReadLine();
        var results = new List<SequenceResult>();
        SequenceResult? current = null;
        while (true)
        {
            var read = worker.StandardOutput.ReadLineAsync();
            if (!read.Wait(SilenceDeadline))
            {
                worker.Kill(entireProcessTree: true);
                if (current is { Finished: false })
                    current.Failure = $"[hang] the worker said nothing for {SilenceDeadline.TotalSeconds:0} s";
                break;
            }
            string? line = read.Result;
            if (line is null)
                break;
            if (echo)
                Console.Error.WriteLine($"  {line}");
            var words = line.Split(' ', 4);
            switch (words[0])
            {
                case "SEQ":
                    current = new SequenceResult(int.Parse(words[1]));
                    results.Add(current);
                    break;
                case "STEP" when current is not null:
                    current.Steps.Add(line[(line.IndexOf(' ', 5) + 1)..]);
                    break;
                case "SEND":
                    worker.StandardInput.WriteLine(Send(worker.Id, int.Parse(words[1]), int.Parse(words[2])) ? "SENT" : "FAILED");
                    worker.StandardInput.Flush();
                    break;
                case "RESULT" when current is not null:
                    current.Finished = true;
                    if (words[2] == "FAIL")
                        current.Failure = words.Length > 3 ? words[3] : "[other]";
                    break;
            }
        }
        if (!worker.WaitForExit(TimeSpan.FromSeconds(30)))
            worker.Kill(entireProcessTree: true);
        worker.WaitForExit();
        if (current is { Finished: false })
        {
            current.Finished = true;
            string stderr;
            lock (errors)
                stderr = errors.ToString();
            string why = stderr.Split('\n').FirstOrDefault(l => l.Contains("Stack overflow", StringComparison.OrdinalIgnoreCase)
                || l.Contains("FailFast", StringComparison.Ordinal) || l.Contains("Unhandled exception", StringComparison.Ordinal))?.Trim() ?? "";
            current.Failure ??= $"[crash-{worker.ExitCode}] the worker died in step '{current.Steps.LastOrDefault()}' (exit {worker.ExitCode}{(worker.ExitCode > 128 ? $" = signal {worker.ExitCode - 128}" : "")}) {why}";
            if (echo || !quiet)
                Console.Error.WriteLine($"R8 worker died (exit {worker.ExitCode}) in sequence {current.Index}; the end of its standard error:\n{string.Join('\n', stderr.Split('\n').TakeLast(12))}");
        }
        return results;
    }

    // From this process, so that the worker's Process.Start is only ever what its steps do.
    private static bool Send(int pid, int number, int count)
    {
        try
        {
            var signal = new Signal(number);
            for (int i = 0; i < count; i++)
            {
                if (signal.IsRealTime)
                    SignalSender.Queue(pid, signal, i);
                else
                    SignalSender.Kill(pid, signal);
            }
            return true;
        }
        catch (Exception exception)
        {
            Console.Error.WriteLine($"R8: sending signal {number} to {pid} failed: {exception.Message}");
            return false;
        }
    }
}
