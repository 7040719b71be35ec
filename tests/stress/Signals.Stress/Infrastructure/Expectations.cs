namespace Signals.Stress.Infrastructure;

/// <summary>
/// Bad-input cases: each runs on a fresh thread (so that a signal-mask change or a hang cannot leak into
/// the next case) and must end in an exception of the expected type whose message names what was wrong.
/// Anything else — no exception, another type, a vague message, a hang — counts as "unclear".
/// </summary>
internal sealed class Expectations
{
    private static readonly TimeSpan CaseDeadline = TimeSpan.FromSeconds(15);

    public int Inputs { get; private set; }

    public int Unclear { get; private set; }

    /// <summary>Expects <typeparamref name="T"/> (or a subclass) with every one of <paramref name="mustName"/> in its message.</summary>
    public void Throws<T>(string what, Action action, params string[] mustName) where T : Exception =>
        Throws<T>(what, action, onThisThread: false, mustName);

    /// <summary>
    /// Like <see cref="Throws{T}(string, Action, string[])"/>; with <paramref name="onThisThread"/> the call runs on the
    /// calling thread (for calls made from a signal callback, which must run on the dispatcher thread itself).
    /// </summary>
    public void Throws<T>(string what, Action action, bool onThisThread, params string[] mustName) where T : Exception
    {
        Inputs++;
        var (exception, hung) = onThisThread ? (Catch(action), false) : Attempt(action);
        string? problem = hung ? $"did not return within {CaseDeadline.TotalSeconds:0} s"
            : exception is null ? "no exception"
            : exception is not T ? $"{exception.GetType().Name} instead of {typeof(T).Name}: {exception.Message}"
            : exception is ArgumentNullException { ParamName: null } ? "ArgumentNullException without a parameter name"
            : mustName.FirstOrDefault(word => !exception.Message.Contains(word, StringComparison.OrdinalIgnoreCase)) is { } missing
                ? $"message does not name '{missing}': {exception.Message}"
            : null;
        Record(what, problem, exception);
    }

    /// <summary>Expects the call to succeed (idempotent Dispose, Shutdown twice...).</summary>
    public void Succeeds(string what, Action action)
    {
        Inputs++;
        var (exception, hung) = Attempt(action);
        Record(what, hung ? "hung" : exception is null ? null : $"{exception.GetType().Name}: {exception.Message}", exception);
    }

    /// <summary>A behaviour that must hold after bad input (the process keeps working).</summary>
    public void Holds(string what, bool holds)
    {
        Inputs++;
        Record(what, holds ? null : "does not hold", null);
    }

    private void Record(string what, string? problem, Exception? exception)
    {
        if (problem is null)
        {
            Console.Error.WriteLine($"R5 clear: {what}{(exception is null ? "" : $" -> {exception.GetType().Name}: {OneLine(exception.Message)}")}");
            return;
        }
        Unclear++;
        Console.Error.WriteLine($"R5 UNCLEAR: {what}: {OneLine(problem)}");
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    private static Exception? Catch(Action action)
    {
        try { action(); }
        catch (Exception exception) { return exception; }
        return null;
    }

    private static (Exception? Exception, bool Hung) Attempt(Action action)
    {
        Exception? caught = null;
        var thread = new Thread(() =>
        {
            try { action(); }
            catch (AggregateException aggregate) when (aggregate.InnerExceptions.Count == 1) { caught = aggregate.InnerException; }
            catch (Exception exception) { caught = exception; }
        }) { IsBackground = true, Name = "R5 case" };
        thread.Start();
        return thread.Join(CaseDeadline) ? (caught, false) : (null, true);
    }
}
