namespace Signals.Stress.Scenarios.Composition;

/// <summary>
/// The reference model of one signal: a simulation of its handler chain (what sigaction holds, and what each
/// handler saved as its previous action) under the behaviour the library promises, plus the expected counts
/// of everyone on it. The rules, each from the documented contract or from issue 10:
/// <list type="bullet">
/// <item>Our first subscription goes on top and saves what was there; if our slot is still in the chain (a
/// pass-through someone installed over), it is reactivated in place, never installed a second time above a
/// handler that chains to it (issue 10, item 1). Handle stops the chain (except SIGCHLD, which always chains);
/// Observe chains to the saved function; a forgotten slot (restored, or set to a builtin) chains to nothing.</item>
/// <item>The last Dispose restores the saved action when ours is on top; otherwise ours stays as a pass-through.</item>
/// <item>Another handler installed over a live subscription is left alone or put below ours: both are
/// allowed (<see cref="Diverged"/>), but whatever the library does, our subscriptions still receive every
/// delivery and, while they only Observe, so does everyone in the chain (item 5).</item>
/// <item>SIG_DFL/SIG_IGN put over a live subscription (System.Native restoring its saved action when its last
/// PosixSignalRegistration goes) is tampering: the repair saves it as ours' previous action and puts ours
/// back on top (the runner calls SignalEvents.CheckTampering after the steps that can tamper).</item>
/// <item>System.Native installs its handler when the first registration of a signal is created (saving what is
/// there) and puts that saved action back, unconditionally, when the last one is disposed.</item>
/// <item>A stale saved action is never put back (issue 18, stress seed 1235066599): when ours' saved action is a
/// handler function that an install found above ours since, or ours is found back on top of a forgotten slot with a function
/// saved, that function's owner has put ours back and removed itself: SIG_DFL stands in for it.</item>
/// <item>Ours has two forms (plain, SA_NODEFER). A fresh install picks one that does not lie beneath what it goes
/// over (System.Native copies the SA_NODEFER of what it replaced; else not the form a handler function was last
/// seen above; else the other form than last time) and remembers what it saved; when an older form is found
/// back on top, ours follows it and its saved action becomes the saved one (issue 18, stress seed 1235066599,
/// sequences 983, 1209, 1615). The re-entry guard sees both forms as one handler.</item>
/// </list>
/// </summary>
internal sealed class SignalModel(Signal signal)
{
    public Signal Signal => signal;
    public bool IsChild => signal == Signal.SIGCHLD;

    public ChainNode Top { get; set; } = ChainNode.Default;
    public OursSlot Slot { get; private set; } = OursSlot.None;
    public ChainNode OursSaved { get; private set; } = ChainNode.Default;

    public bool ForeignPresent { get; private set; }
    public bool ForeignActive { get; private set; }
    public ChainNode ForeignSaved { get; private set; }
    /// <summary>The helper's count when it was installed; its calls since then must lie in [ForeignMin, ForeignMax].</summary>
    public long ForeignBase { get; private set; }
    public long ForeignMin { get; private set; }
    public long ForeignMax { get; private set; }

    /// <summary>The library saw ours' saved function above ours (native: previous_went_above).</summary>
    public bool SavedWentAbove { get; private set; }

    /// <summary>The form the current installation of ours put on top, and what each form saved (native: generation).</summary>
    private int generation;
    private int freshInstalls;
    private int? exposedGeneration;
    private readonly ChainNode[] savedByGeneration = [ChainNode.Default, ChainNode.Default];

    public bool RuntimeInstalled { get; set; }
    public ChainNode RuntimeOrigin { get; set; }

    /// <summary>
    /// A handler function was installed over a live subscription: whether the library left it on top or put
    /// ours back above it is not specified, so kinds and the counts of handlers above ours are checked loosely
    /// until a SIG_DFL/SIG_IGN set makes the chain certain again.
    /// </summary>
    public bool Diverged { get; private set; }

    public List<LiveSubscription> Subscriptions { get; } = [];
    public LiveSubscription? Handler { get; set; }
    public List<LiveRegistration> Registrations { get; } = [];

    private bool OursHandles => Slot == OursSlot.Active && !IsChild && Subscriptions.Any(s => s.Policy == SignalPolicy.Handle);

    private static bool IsFunction(ChainNode node) => node is ChainNode.Foreign or ChainNode.Runtime;

    private static bool IsOurs(ChainNode node) => node is ChainNode.Ours or ChainNode.OursAlternate;

    /// <summary>One handler whatever its form: what the re-entry guard and a chain walk see.</summary>
    private static ChainNode Canonical(ChainNode node) => IsOurs(node) ? ChainNode.Ours : node;

    private ChainNode OursForm => generation == 0 ? ChainNode.Ours : ChainNode.OursAlternate;

    private void SaveOurs(ChainNode node)
    {
        OursSaved = node;
        SavedWentAbove = false;
        savedByGeneration[generation] = node;
    }

    /// <summary>Native fresh_generation_locked: System.Native's action carries the SA_NODEFER of what it replaced.</summary>
    private int FreshGeneration()
    {
        bool first = freshInstalls++ == 0;
        if (Top == ChainNode.Runtime && RuntimeOrigin == ChainNode.OursAlternate)
            return 0;
        if (exposedGeneration is { } exposed)
            return 1 - exposed;
        return first ? 0 : 1 - generation;
    }

    /// <summary>Native note_exposed_locked: a handler function found where ours of a live slot was may save ours.</summary>
    private void NoteExposed()
    {
        if (Slot != OursSlot.None && IsFunction(Top))
            exposedGeneration = generation;
    }

    /// <summary>Ours on top in an older form: everything above that installation has gone (native: follow_generation_on_top_locked).</summary>
    private void FollowFormOnTop()
    {
        if (!IsOurs(Top) || Top == OursForm)
            return;
        generation = Top == ChainNode.Ours ? 0 : 1;
        SaveOurs(savedByGeneration[generation]);
    }

    /// <summary>
    /// What signals_install does with the saved action, on every subscription change while ours is installed: a
    /// stale one (see the class summary) becomes SIG_DFL; its function seen on top of a live slot is noted.
    /// </summary>
    private void InstallSeesChain()
    {
        FollowFormOnTop();
        if (IsOurs(Top) && IsFunction(OursSaved) && (SavedWentAbove || Slot == OursSlot.None))
            SaveOurs(ChainNode.Default);
        else if (Slot != OursSlot.None && IsFunction(Top) && Top == OursSaved)
            SavedWentAbove = true;
        NoteExposed();
    }

    public void Add(LiveSubscription subscription)
    {
        Subscriptions.Add(subscription);
        InstallSeesChain();
        if (Slot == OursSlot.Active)
            return;
        if (Slot != OursSlot.None && Reaches(ChainNode.Ours))
        {
            Slot = OursSlot.Active; // still in the chain: reactivated where it is
            return;
        }
        if (Slot != OursSlot.None && Top is ChainNode.Foreign or ChainNode.Runtime)
        {
            // A live pass-through under a handler function that does not reach it (System.Native put back the
            // function it had saved from below ours): signals_install only changes the policy and leaves theirs
            // on top, since it cannot tell this from a function that chains to ours (the known limit in
            // docs/design.md, "Chaining rules"). Ours receives nothing until that function goes.
            Slot = OursSlot.Active;
            return;
        }
        if (IsOurs(Top))
        {
            // A forgotten slot that someone put back on top (System.Native restoring the action it had saved
            // from us after a set-default): only the policy changes; the saved action stays if it is a builtin
            // one, and a function saved there became SIG_DFL above (docs/design.md, "Chaining rules").
            Slot = OursSlot.Active;
            return;
        }
        generation = FreshGeneration();
        SaveOurs(Top);
        Top = OursForm;
        Slot = OursSlot.Active;
    }

    /// <summary>signals_restore with ours on top: the saved action, or SIG_DFL for a stale one.</summary>
    private void RestoreOurs()
    {
        FollowFormOnTop();
        Top = IsFunction(OursSaved) && SavedWentAbove ? ChainNode.Default : OursSaved;
        Slot = OursSlot.None;
    }

    public void Remove(LiveSubscription subscription)
    {
        if (!Subscriptions.Remove(subscription))
            return;
        if (Subscriptions.Count > 0)
        {
            InstallSeesChain();
            return;
        }
        if (IsOurs(Top))
            RestoreOurs();
        else
        {
            NoteExposed();
            Slot = OursSlot.PassThrough;
        }
    }

    public void SetBuiltin(bool ignored)
    {
        if (Handler is { } handler)
            Remove(handler);
        Handler = null;
        NoteExposed();
        Top = ignored ? ChainNode.Ignored : ChainNode.Default;
        SaveOurs(Top); // signals_set_builtin: the slot forgets its saved action, which becomes the builtin one
        Slot = OursSlot.None;
        Diverged = false;
    }

    public void InstallForeign(long currentCount)
    {
        if (Slot == OursSlot.Active)
            Diverged = true;
        ForeignSaved = Top;
        Top = ChainNode.Foreign;
        ForeignPresent = ForeignActive = true;
        ForeignBase = currentCount;
        ForeignMin = ForeignMax = 0;
    }

    /// <summary>What foreign_remove should return: 0 restored (it was on top), 1 left as a pass-through.</summary>
    public int RemoveForeign()
    {
        ForeignActive = false;
        if (Top != ChainNode.Foreign)
            return 1;
        Top = ForeignSaved;
        ForeignPresent = false;
        return 0;
    }

    /// <summary>The C helper's removal did something else than the model expected (allowed only when diverged).</summary>
    public void ForeignRemovedAs(int result)
    {
        if (result == 0 && Top != ChainNode.Foreign)
            ForeignPresent = false; // it was on top after all (ours was not put back above it)
    }

    public void CreateRegistration(LiveRegistration registration)
    {
        RuntimeTakes();
        Registrations.Add(registration);
    }

    /// <summary>
    /// System.Native's InstallSignalHandler (pal_signal.c), once until its RestoreSignalHandler: saves what is
    /// there and goes on top, except over SIG_IGN, which it respects (it saves it and installs nothing).
    /// </summary>
    private void RuntimeTakes()
    {
        if (RuntimeInstalled)
            return;
        RuntimeOrigin = Top;
        RuntimeInstalled = true;
        if (Top == ChainNode.Ignored)
            return;
        if (Slot == OursSlot.Active && !IsChild)
            Diverged = true;
        Top = ChainNode.Runtime;
    }

    public void DisposeRegistration(LiveRegistration registration)
    {
        Registrations.Remove(registration);
        if (Registrations.Count > 0 || IsChild)
            return;
        Top = RuntimeOrigin; // System.Native: sigaction(saved original), whatever is on top now
        RuntimeInstalled = false;
        Repair();
    }

    /// <summary>The runtime installs its SIGCHLD handler at the first Process.Start (and keeps it).</summary>
    public void ChildStarted(bool waitedForByMain)
    {
        if (!IsChild)
            return;
        RuntimeTakes();
        if (waitedForByMain && Slot == OursSlot.Active && Reaches(ChainNode.Ours))
            foreach (var subscription in Subscriptions)
                subscription.Expected++; // at least one SIGCHLD per child the main thread waited for
    }

    /// <summary>
    /// The tamper repair (signals_reinstall, docs/design.md "Tampering"): SIG_DFL/SIG_IGN over a live
    /// subscription becomes ours' saved previous action (what the last Dispose or a restore puts back: the
    /// party that put it there, e.g. System.Native restoring its saved SIG_DFL, meant the signal to end up
    /// there) and ours goes back on top. A handler function on top is the signal's next owner, never
    /// repaired, even when it does not reach ours (System.Native putting back a function it had saved from
    /// below ours): ours then receives nothing until that function goes.
    /// </summary>
    public void Repair()
    {
        if (Slot != OursSlot.Active || Top is not (ChainNode.Default or ChainNode.Ignored))
            return;
        SaveOurs(Top);
        Top = OursForm;
    }

    /// <summary>Every subscription disposed, then signals_shutdown restores every slot still in use, pass-throughs included.</summary>
    public void Shutdown()
    {
        foreach (var subscription in Subscriptions.ToList())
            Remove(subscription);
        Handler = null;
        if (Slot != OursSlot.None && IsOurs(Top))
            RestoreOurs();
    }

    /// <summary>Walks the chain from the top, as a delivery would (a node seen twice ends it: a re-entry guard).</summary>
    public bool Reaches(ChainNode target)
    {
        var seen = new HashSet<ChainNode>();
        for (var node = Top; seen.Add(Canonical(node));)
        {
            if (Canonical(node) == Canonical(target))
                return true;
            if (!Next(node, out node))
                return false;
        }
        return false;
    }

    private bool Next(ChainNode node, out ChainNode next)
    {
        next = node switch
        {
            ChainNode.Ours or ChainNode.OursAlternate => OursSaved,
            ChainNode.Foreign => ForeignSaved,
            ChainNode.Runtime => RuntimeOrigin,
            _ => node,
        };
        // Ours chains to nothing from a forgotten slot (native: only OBSERVE and PASSTHROUGH chain).
        return (IsOurs(node) || IsFunction(node)) && !(IsOurs(node) && (OursHandles || Slot == OursSlot.None));
    }

    /// <summary>Updates every expectation for <paramref name="count"/> deliveries sent now.</summary>
    public void Deliver(int count)
    {
        bool looseAbove = Diverged && OursHandles; // ours may have been put above these and Handle cuts them
        bool above = true, foreignSeen = false;
        var registrationsSeen = false;
        var seen = new HashSet<ChainNode>();
        for (var node = Top; seen.Add(Canonical(node));)
        {
            int minimum = above && looseAbove ? 0 : count;
            switch (node)
            {
                case ChainNode.Foreign when ForeignActive:
                    ForeignMin += minimum;
                    ForeignMax += count;
                    foreignSeen = true;
                    break;
                case ChainNode.Runtime:
                    foreach (var registration in Registrations)
                    {
                        registration.Min += minimum;
                        registration.Max += count;
                    }
                    registrationsSeen = true;
                    break;
                case ChainNode.Ours or ChainNode.OursAlternate when Slot == OursSlot.Active:
                    foreach (var subscription in Subscriptions)
                        subscription.Expected += count;
                    above = false;
                    break;
            }

            if (!Next(node, out node))
                break;
        }
        if (!Diverged)
            return;
        // The library may have put ours above with its old saved action: whoever the model does not reach may still be reached.
        if (!foreignSeen && ForeignActive)
            ForeignMax += count;
        if (!registrationsSeen)
            foreach (var registration in Registrations)
                registration.Max += count;
    }

    /// <summary>
    /// Whether sending cannot end the process: the top action is not SIG_DFL, and no System.Native handler
    /// without a registration whose saved action is SIG_DFL is reached (its SignalHandlerLoop would then
    /// restore SIG_DFL and re-send the signal: SystemNative_HandleNonCanceledPosixSignal).
    /// </summary>
    public bool IsSafeToSend(SignalDispositionKind actual)
    {
        if (IsChild || Top == ChainNode.Default || (Diverged && actual == SignalDispositionKind.Default))
            return false;
        var seen = new HashSet<ChainNode>();
        for (var node = Top; seen.Add(Canonical(node));)
        {
            if (node == ChainNode.Runtime && Registrations.Count == 0 && (RuntimeOrigin == ChainNode.Default || Diverged))
                return false;
            if (!Next(node, out node))
                break;
        }
        return true;
    }

    /// <summary>The kinds SignalHandlers.Get may report now.</summary>
    public HashSet<SignalDispositionKind> ExpectedKinds()
    {
        var kinds = new HashSet<SignalDispositionKind> { KindOf(Top) };
        if (Diverged)
        {
            kinds.Add(SignalDispositionKind.Managed);
            kinds.Add(SignalDispositionKind.Native);
        }
        return kinds;
    }

    private static SignalDispositionKind KindOf(ChainNode node) => node switch
    {
        ChainNode.Default => SignalDispositionKind.Default,
        ChainNode.Ignored => SignalDispositionKind.Ignored,
        ChainNode.Ours or ChainNode.OursAlternate => SignalDispositionKind.Managed,
        _ => SignalDispositionKind.Native,
    };

    /// <summary>The chain as the model sees it, for failure messages: "Foreign → Ours(active, 2 subs, handle) → SIG_DFL".</summary>
    public string Describe()
    {
        var parts = new List<string>();
        var seen = new HashSet<ChainNode>();
        var node = Top;
        while (seen.Add(Canonical(node)))
        {
            parts.Add(node switch
            {
                ChainNode.Ours or ChainNode.OursAlternate => $"Ours{(node == ChainNode.OursAlternate ? "'" : "")}({Slot.ToString().ToLowerInvariant()}, {Subscriptions.Count} subs{(OursHandles ? ", handle" : "")})",
                ChainNode.Foreign => ForeignActive ? "Foreign" : "Foreign(pass-through)",
                ChainNode.Runtime => $"System.Native({Registrations.Count} registrations)",
                ChainNode.Default => "SIG_DFL",
                _ => "SIG_IGN",
            });
            var current = node;
            node = current switch { ChainNode.Ours or ChainNode.OursAlternate => OursSaved, ChainNode.Foreign => ForeignSaved, ChainNode.Runtime => RuntimeOrigin, _ => current };
            if (current is ChainNode.Default or ChainNode.Ignored)
                break;
        }
        return string.Join(" -> ", parts) + (Diverged ? " (diverged: ours may be on top)" : "");
    }
}
