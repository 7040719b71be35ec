namespace Signals;

/// <summary>The three interval timers of setitimer(2).</summary>
public enum IntervalTimer
{
    /// <summary>Wall-clock time; sends SIGALRM (ITIMER_REAL).</summary>
    Real = 0,
    /// <summary>User CPU time of the process; sends SIGVTALRM (ITIMER_VIRTUAL).</summary>
    Virtual = 1,
    /// <summary>User and system CPU time of the process; sends SIGPROF (ITIMER_PROF).</summary>
    Profiling = 2,
}
