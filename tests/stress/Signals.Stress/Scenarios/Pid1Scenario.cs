using Signals.Stress.Infrastructure;

namespace Signals.Stress.Scenarios;

internal static class Pid1Scenario
{
    public static bool Run(Arguments arguments) => throw new NotImplementedException();
}
