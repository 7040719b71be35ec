using Signals.Stress.Infrastructure;

namespace Signals.Stress.Scenarios;

/// <summary>
/// R2: a sender process sends SIGUSR1 (a standard, coalescing signal) and waits for SIGUSR2 back before
/// the next round. The answer is sent from our callback, so a wake-up lost anywhere between the handler,
/// the pipe and the dispatcher leaves a round unanswered (the sender waits <c>round-timeout-ms</c> for it).
/// </summary>
internal static class PingPongScenario
{
    public static bool Run(Arguments arguments)
    {
        long rounds = arguments.Long("size", 100_000);
        long roundTimeoutMs = arguments.Long("round-timeout-ms", 10_000);
        var checks = new CheckList("R2");
        long pings = 0, answerFailures = 0, coalesced = 0;
        int pingerPid = 0;

        void OnPing(SignalEvent e)
        {
            // Only one ping is ever outstanding, so a coalesced record would itself be a finding.
            if (e.IsCoalesced)
                Interlocked.Increment(ref coalesced);
            Interlocked.Add(ref pings, e.Count);
            int target = e.SenderPid != 0 ? e.SenderPid : Volatile.Read(ref pingerPid);
            try
            {
                SignalSender.Kill(target, Signal.SIGUSR2);
            }
            catch (Exception exception)
            {
                if (Interlocked.Increment(ref answerFailures) <= 5)
                    Console.Error.WriteLine($"R2 answering pid {target} failed: {exception.Message}");
            }
        }

        using var subscription = SignalEvents.Subscribe(Signal.SIGUSR1, OnPing);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var pinger = new HelperProcess(arguments.Helper("stress_sender"), "pingpong", SignalSender.ProcessId.ToString(),
            Signal.SIGUSR1.Number.ToString(), Signal.SIGUSR2.Number.ToString(), rounds.ToString(), roundTimeoutMs.ToString());
        Volatile.Write(ref pingerPid, pinger.Id);
        bool ended = pinger.WaitForExit(TimeSpan.FromSeconds(arguments.Long("deadline", 900)));
        long done = pinger.Value("rounds"), unanswered = pinger.Value("unanswered"), foreign = pinger.Value("foreign");
        if (!ended || done < 0)
        {
            done = Math.Max(done, 0);
            unanswered = rounds - done;
        }
        Console.Error.WriteLine($"R2 {done} rounds in {clock.Elapsed.TotalSeconds:0.0} s ({(done > 0 ? clock.Elapsed.TotalMicroseconds / done : 0):0} µs per round)");

        checks.Check(ended && pinger.ExitCode == 0, $"the pinger ended normally (exit {(ended ? pinger.ExitCode : -1)}) {pinger.Error.Trim()}");
        checks.Check(done == rounds, $"rounds played {done} of {rounds}");
        checks.Check(unanswered == 0, $"unanswered rounds: {unanswered}");
        checks.Check(foreign == 0, $"answers from another pid: {foreign}");
        checks.Check(Interlocked.Read(ref pings) == done, $"pings received {pings} == rounds {done}");
        checks.Check(coalesced == 0, $"coalesced ping records: {coalesced}");
        checks.Check(answerFailures == 0, $"answers that could not be sent: {answerFailures}");

        bool passed = checks.Failures == 0;
        Console.WriteLine($"STRESS R2 rounds={done} unanswered={unanswered} {(passed ? "PASS" : "FAIL")}");
        return passed;
    }
}
