using System.Runtime.InteropServices;
using static Signals.Migrating.Sample;

namespace Signals.Migrating.Recipes;

/// <summary>
/// From hand-written sigaction(2) P/Invokes: ignore SIGHUP, say what was there before, put it back on "restore".
/// Both forms print "SIGHUP ignored (previous: Default)", survive SIGHUP ("ping" answers "pong"), print
/// "restored" and then die by the next SIGHUP (status 129). After, two things the raw call does not do: a
/// disposition that would break the runtime is refused with the reason ("SIGCHLD: refused ..."), and a handler
/// is an ordinary delegate run outside signal context ("handler: SIGUSR1 from pid P").
/// </summary>
internal static unsafe partial class SigactionRecipe
{
    private const int SIGHUP = 1;
    private static readonly IntPtr SIG_DFL = 0;
    private static readonly IntPtr SIG_IGN = 1;

    // struct sigaction of glibc and musl on x86-64 and arm64. Other architectures lay it out differently (MIPS
    // puts sa_flags first, 32-bit ones have 4-byte pointers): one of the things a hand-written P/Invoke gets wrong.
    [StructLayout(LayoutKind.Sequential)]
    private struct SigAction
    {
        public IntPtr Handler;
        public fixed ulong Mask[16];
        public int Flags;
        public IntPtr Restorer;
    }

    [LibraryImport("libc", EntryPoint = "sigaction", SetLastError = true)]
    private static partial int sigaction(int signal, SigAction* action, SigAction* previous);

    public static int Before()
    {
        var ignore = new SigAction { Handler = SIG_IGN };
        SigAction saved;
        if (sigaction(SIGHUP, &ignore, &saved) != 0)
            throw new InvalidOperationException($"sigaction: errno {Marshal.GetLastPInvokeError()}");
        var previous = saved;
        string previousKind = previous.Handler == SIG_DFL ? "Default" : previous.Handler == SIG_IGN ? "Ignored" : "a handler";
        Say($"SIGHUP ignored (previous: {previousKind})");
        Ready();
        ServeCommands(command =>
        {
            if (command == "restore" && Restore(previous))
                Say("restored");
        });
        return 0;
    }

    private static bool Restore(SigAction previous) => sigaction(SIGHUP, &previous, null) == 0;

    public static int After()
    {
        var previous = SignalHandlers.Set(Signal.SIGHUP, SignalDisposition.Ignored); // one sigaction
        Say($"SIGHUP ignored (previous: {previous.Kind})");
        try
        {
            SignalHandlers.Set(Signal.SIGCHLD, SignalDisposition.Ignored);
            Say("SIGCHLD: ignored");
        }
        catch (InvalidOperationException refused)
        {
            Say($"SIGCHLD: refused ({refused.Message})");
        }
        SignalHandlers.Set(Signal.SIGUSR1, e => Say($"handler: {e.Signal.Name} from pid {e.SenderPid}"));
        Ready();
        ServeCommands(command =>
        {
            if (command == "restore")
            {
                SignalHandlers.Set(Signal.SIGHUP, previous); // passing back what Set returned restores it
                Say("restored");
            }
        });
        return 0;
    }
}
