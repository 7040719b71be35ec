using Signals.Stress.Infrastructure;

namespace Signals.Stress.Scenarios;

internal static class SecurityScenario
{
    public static bool Run(Arguments arguments) => throw new NotImplementedException();
}
