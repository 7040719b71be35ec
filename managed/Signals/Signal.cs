using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Signals.Interop;

namespace Signals;

/// <summary>
/// A POSIX signal: its number, its name (<c>SIGUSR1</c>, <c>SIGRTMIN+2</c>) and its description.
/// The counterpart of Python's <c>signal.Signals</c>. Real-time signals are computed at run time
/// (<see cref="RealTimeMin"/>), because their numbers differ between C libraries.
/// </summary>
public readonly struct Signal : IEquatable<Signal>, IComparable<Signal>
{
    /// <summary>The highest signal number Linux defines.</summary>
    public const int MaxNumber = 64;

    // The tables that come from the C library are built on first use, not in the static constructor: on a
    // platform without libsignals that first use must throw PlatformNotSupportedException (PlatformSupport),
    // which a static constructor would wrap in a TypeInitializationException.
    // Plain fields filled at first use, not Lazy<T>: the type then has no static constructor, and the first
    // Signal.SIGxxx of a process loads no Lazy, Func and array instantiations (bench: first_subscribe_ms).
    // Two threads may both build a table; the results are equal and the first one published stays.
    private static string?[]? _names;
    private static int _realTimeMin; // 0: not read yet
    private static Signal[]? _validSignals;

    private static string?[] Names => Volatile.Read(ref _names) ?? Publish(ref _names, BuildNames());

    private static T Publish<T>(ref T? field, T value) where T : class =>
        Interlocked.CompareExchange(ref field, value, null) ?? value;

    // Second names Linux gives some signals; glibc's sigabbrev_np knows only one (e.g. POLL for 29, so
    // Signal.SIGIO.Name is "SIGPOLL"). Python accepts both spellings, and so does Parse. A switch, not a
    // static Dictionary: the type's static initialiser runs at the first Signal.SIGxxx of a process.
    private static int AliasedNumber(string name) => name switch
    {
        "SIGIO" or "SIGPOLL" => 29,
        "SIGIOT" => 6,
        "SIGCLD" => 17,
        _ => 0,
    };

    /// <summary>Creates a signal from its number; throws when no signal has that number.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The number is not a signal of this system.</exception>
    public Signal(int number)
    {
        if (!IsDefined(number))
            throw new ArgumentOutOfRangeException(nameof(number), number,
                $"Signal {number} does not exist: signals are numbered 1..{RealTimeMax.Number}" +
                (number is >= 32 and < 34 || (number >= 32 && number < RealTimeMinNumber) ? ", and the C library reserves 32..SIGRTMIN-1." : "."));
        Number = number;
    }

    /// <summary>The signal number (10 for SIGUSR1 on Linux).</summary>
    public int Number { get; }

    /// <summary>The name, as <c>kill -l</c> prints it: <c>SIGUSR1</c>, <c>SIGRTMIN+2</c>, <c>SIGRTMAX-1</c>.</summary>
    public string Name => Names[Number] ?? $"signal {Number}";

    /// <summary>The system's description, e.g. "User defined signal 1" (strsignal).</summary>
    public string Description => Native.SignalsDescription(Number) ?? Name;

    /// <summary>Why this signal cannot be handled, or null when it can.</summary>
    public string? RefusalReason => Native.SignalsRefusalReason(Number);

    /// <summary>Whether a handler may be installed for this signal (see <see cref="RefusalReason"/>).</summary>
    public bool CanBeHandled => RefusalReason is null;

    /// <summary>Whether this is a real-time (queued) signal.</summary>
    public bool IsRealTime => Number >= RealTimeMinNumber;

#pragma warning disable CS1591 // the standard names document themselves
    public static Signal SIGHUP => new(1);
    public static Signal SIGINT => new(2);
    public static Signal SIGQUIT => new(3);
    public static Signal SIGILL => new(4);
    public static Signal SIGTRAP => new(5);
    public static Signal SIGABRT => new(6);
    public static Signal SIGBUS => new(7);
    public static Signal SIGFPE => new(8);
    public static Signal SIGKILL => new(9);
    public static Signal SIGUSR1 => new(10);
    public static Signal SIGSEGV => new(11);
    public static Signal SIGUSR2 => new(12);
    public static Signal SIGPIPE => new(13);
    public static Signal SIGALRM => new(14);
    public static Signal SIGTERM => new(15);
    public static Signal SIGSTKFLT => new(16);
    public static Signal SIGCHLD => new(17);
    public static Signal SIGCONT => new(18);
    public static Signal SIGSTOP => new(19);
    public static Signal SIGTSTP => new(20);
    public static Signal SIGTTIN => new(21);
    public static Signal SIGTTOU => new(22);
    public static Signal SIGURG => new(23);
    public static Signal SIGXCPU => new(24);
    public static Signal SIGXFSZ => new(25);
    public static Signal SIGVTALRM => new(26);
    public static Signal SIGPROF => new(27);
    public static Signal SIGWINCH => new(28);
    public static Signal SIGIO => new(29);
    public static Signal SIGPWR => new(30);
    public static Signal SIGSYS => new(31);
#pragma warning restore CS1591

    private static int RealTimeMinNumber
    {
        get
        {
            int number = Volatile.Read(ref _realTimeMin);
            if (number == 0)
                Volatile.Write(ref _realTimeMin, number = Native.SignalsRtmin());
            return number;
        }
    }

    /// <summary>SIGRTMIN as this process sees it (34 on glibc). The .NET runtime uses it itself.</summary>
    public static Signal RealTimeMin => new(RealTimeMinNumber);

    /// <summary>SIGRTMAX (64 on Linux).</summary>
    public static Signal RealTimeMax => new(Native.SignalsRtmax());

    /// <summary>SIGRTMIN+<paramref name="offset"/>; throws when that passes SIGRTMAX.</summary>
    public static Signal RealTime(int offset)
    {
        if (offset < 0 || RealTimeMinNumber + offset > RealTimeMax.Number)
            throw new ArgumentOutOfRangeException(nameof(offset), offset,
                $"SIGRTMIN+{offset} does not exist: the offset must be 0..{RealTimeMax.Number - RealTimeMinNumber}.");
        return new Signal(RealTimeMinNumber + offset);
    }

    /// <summary>Every signal this system defines, in order (Python's <c>valid_signals()</c>).</summary>
    public static IReadOnlyList<Signal> ValidSignals => Volatile.Read(ref _validSignals) ?? Publish(ref _validSignals, BuildValidSignals());

    /// <summary>Whether <paramref name="number"/> is a signal of this system.</summary>
    public static bool IsDefined(int number) =>
        number is >= 1 and <= MaxNumber && Names[number] is not null;

    /// <summary>
    /// Parses "USR1", "SIGUSR1", "sigusr1", "10", "RTMIN+2", "SIGRTMAX-1".
    /// </summary>
    /// <exception cref="ArgumentException">The text names no signal of this system.</exception>
    public static Signal Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var signal)
            ? signal
            : throw new ArgumentException($"'{text}' is not a signal: use a name such as USR1, SIGUSR1 or SIGRTMIN+2, or a number 1..{RealTimeMax.Number}.", nameof(text));
    }

    /// <summary>Parses like <see cref="Parse"/>; returns false instead of throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Signal signal)
    {
        signal = default;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        string trimmed = text.Trim();
        if (int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out int number))
        {
            if (!IsDefined(number))
                return false;
            signal = new Signal(number);
            return true;
        }
        string name = trimmed.ToUpperInvariant();
        if (!name.StartsWith("SIG", StringComparison.Ordinal))
            name = "SIG" + name;
        if (AliasedNumber(name) is > 0 and var aliased)
            name = Names[aliased]!;
        for (int candidate = 1; candidate <= MaxNumber; candidate++)
        {
            if (Names[candidate] == name)
            {
                signal = new Signal(candidate);
                return true;
            }
        }
        return TryParseRealTime(name, out signal);
    }

    // SIGRTMIN+n and SIGRTMAX-n for any n in range, not only the spelling kill -l prints.
    private static bool TryParseRealTime(string name, out Signal signal)
    {
        signal = default;
        int baseNumber, sign;
        if (name.StartsWith("SIGRTMIN+", StringComparison.Ordinal))
            (baseNumber, sign) = (RealTimeMinNumber, 1);
        else if (name.StartsWith("SIGRTMAX-", StringComparison.Ordinal))
            (baseNumber, sign) = (RealTimeMax.Number, -1);
        else
            return false;
        if (!int.TryParse(name.AsSpan(9), NumberStyles.None, CultureInfo.InvariantCulture, out int offset))
            return false;
        int number = baseNumber + sign * offset;
        if (number < RealTimeMinNumber || number > RealTimeMax.Number)
            return false;
        signal = new Signal(number);
        return true;
    }

    private static string?[] BuildNames()
    {
        var names = new string?[MaxNumber + 1];
        Span<byte> buffer = stackalloc byte[32];
        Span<char> chars = stackalloc char[32];
        for (int number = 1; number <= MaxNumber; number++)
        {
            int length = Native.SignalsName(number, ref buffer[0], buffer.Length);
            if (length <= 0)
                continue;
            // The names are ASCII ("SIG" + the C library's abbreviation, or SIGRTMIN+n). Widened by hand: the
            // first Encoding.ASCII.GetString of a process costs 4-6 ms (bench: first_subscribe_ms).
            for (int i = 0; i < length; i++)
                chars[i] = (char)buffer[i];
            names[number] = new string(chars[..length]);
        }
        return names;
    }

    // A plain loop: LINQ over this struct would JIT a few dozen generic instantiations at first use.
    private static Signal[] BuildValidSignals()
    {
        ulong mask = Native.SignalsValidSet();
        var signals = new Signal[System.Numerics.BitOperations.PopCount(mask)];
        int count = 0;
        for (int number = 1; number <= MaxNumber; number++)
            if ((mask & (1UL << (number - 1))) != 0)
                signals[count++] = new Signal(number);
        return signals;
    }

    /// <summary>Throws unless a handler may be installed for this signal.</summary>
    internal void EnsureHandleable(string parameterName)
    {
        if (Number == 0)
            throw new ArgumentException("The default Signal value is not a signal; use Signal.SIGUSR1, Signal.Parse or new Signal(n).", parameterName);
        string? reason = RefusalReason;
        if (reason is not null)
            throw new ArgumentException($"{Name} ({Number}) cannot be handled: {reason}.", parameterName);
    }

    /// <inheritdoc/>
    public bool Equals(Signal other) => Number == other.Number;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Signal other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Number;

    /// <inheritdoc/>
    public int CompareTo(Signal other) => Number.CompareTo(other.Number);

    /// <summary>The name, e.g. <c>SIGUSR1</c>.</summary>
    public override string ToString() => Name;

    /// <summary>Compares by number.</summary>
    public static bool operator ==(Signal left, Signal right) => left.Equals(right);

    /// <summary>Compares by number.</summary>
    public static bool operator !=(Signal left, Signal right) => !left.Equals(right);

    /// <summary>The signal number.</summary>
    public static explicit operator int(Signal signal) => signal.Number;

    /// <summary>The signal with this number; throws when there is none.</summary>
    public static explicit operator Signal(int number) => new(number);
}
