namespace Signals.TestHost;

/// <summary>Exit statuses of the scenarios; 128+N means "killed by signal N" and comes from the kernel, not from here.</summary>
internal static class ExitCodes
{
    /// <summary>The scenario ran as expected.</summary>
    public const int Ok = 0;

    /// <summary>The command line named no scenario.</summary>
    public const int Usage = 64;

    /// <summary>An expectation inside the child failed (the FAIL line says which).</summary>
    public const int Failed = 3;

    /// <summary>Waited for something that never came.</summary>
    public const int TimedOut = 4;
}
