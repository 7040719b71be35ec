namespace Signals.TestHost.Scenarios;

/// <summary>
/// Every SignalHandlers change is one sigaction: a thread raises SIGUSR1 at itself in a tight loop while the main
/// thread moves between our handler, SIG_IGN and back (Set(handler) → Set(handler') → Set(Ignored) → Set(handler) →
/// Restore). None of those steps may let SIG_DFL through, or the raising thread dies by SIGUSR1 (exit 138). Each
/// round begins from SIG_DFL underneath our handler (the raiser paused meanwhile), which is the dangerous case:
/// Set(Ignored) used to restore that SIG_DFL before setting SIG_IGN. Exit 0 after every round.
/// </summary>
internal static class DispositionToggleScenario
{
    private const int Rounds = 400;

    private static volatile bool _pauseRequested;
    private static volatile bool _paused;
    private static volatile bool _stop;
    private static long _raised;

    public static int Run()
    {
        long handled = 0;
        void Handler(SignalEvent e) => Interlocked.Add(ref handled, e.Count);
        void OtherHandler(SignalEvent e) => Interlocked.Add(ref handled, e.Count);

        _pauseRequested = true;
        var raiser = new Thread(Raise) { Name = "SIGUSR1 raiser", IsBackground = true };
        raiser.Start();
        for (int round = 0; round < Rounds; round++)
        {
            // Paused: SIG_DFL may be installed for a moment without anyone raising.
            Pause();
            SignalHandlers.Set(Signal.SIGUSR1, SignalDisposition.Default);
            SignalHandlers.Set(Signal.SIGUSR1, Handler); // saves SIG_DFL underneath ours
            Resume();

            long before = Interlocked.Read(ref _raised);
            if (!Deadline.Until(() => Interlocked.Read(ref _raised) > before + 2))
                return Report.Fail("the raiser stopped raising", ExitCodes.TimedOut);
            SignalHandlers.Set(Signal.SIGUSR1, OtherHandler);
            SignalHandlers.Set(Signal.SIGUSR1, SignalDisposition.Ignored);
            SignalHandlers.Set(Signal.SIGUSR1, Handler); // saves SIG_IGN underneath ours
            SignalHandlers.Restore(Signal.SIGUSR1);
            SignalHandlers.Set(Signal.SIGUSR1, Handler);
        }
        Pause();
        _stop = true;
        raiser.Join();
        SignalHandlers.Restore(Signal.SIGUSR1);
        Report.Line($"ROUNDS {Rounds} raised={Interlocked.Read(ref _raised)}");
        return ExitCodes.Ok;
    }

    private static void Pause()
    {
        _pauseRequested = true;
        while (!_paused)
            Thread.Yield();
    }

    private static void Resume()
    {
        _pauseRequested = false;
        while (_paused)
            Thread.Yield();
    }

    private static void Raise()
    {
        while (!_stop)
        {
            if (_pauseRequested)
            {
                _paused = true;
                Thread.Yield();
                continue;
            }
            _paused = false;
            SignalSender.Raise(Signal.SIGUSR1);
            Interlocked.Increment(ref _raised);
        }
    }
}
