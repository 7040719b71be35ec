using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using Microsoft.Diagnostics.Runtime;

namespace Signals.Diagnostics;

/// <summary>
/// Reads the managed threads of a dump of this process with ClrMD, using the DAC (libmscordaccore.so) of the runtime
/// we run on, so no symbol server is needed. The lock a thread waits on comes from the sync block table: an object on
/// the thread's stack whose monitor is held by another thread (Monitor.Enter, lock) or has waiters (Monitor.Wait).
/// </summary>
[RequiresDynamicCode("ClrMD is not NativeAOT-safe.")]
[RequiresUnreferencedCode("ClrMD is not trimmable.")]
internal static class ClrMdStacks
{
    /// <summary>How many frames of one thread are written at most.</summary>
    private const int MaxFrames = 100;

    internal static IReadOnlyList<ManagedThread> Read(string dumpPath, IReadOnlyList<NativeThreads.Entry> osThreads)
    {
        var names = osThreads.ToDictionary(t => t.Id, t => t.Name);
        using var target = DataTarget.LoadDump(dumpPath, new DataTargetOptions { FileLocator = new LocalFileLocator(), SymbolPaths = [] });
        if (target.ClrVersions.Length == 0)
            throw new InvalidOperationException("the dump holds no .NET runtime.");
        string dac = Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "libmscordaccore.so");
        using var runtime = File.Exists(dac) ? target.ClrVersions[0].CreateRuntime(dac, ignoreMismatch: true) : target.ClrVersions[0].CreateRuntime();
        var locks = new Dictionary<ulong, SyncBlock>();
        foreach (var block in runtime.Heap.EnumerateSyncBlocks())
            locks[block.Object] = block;
        var osIdByAddress = runtime.Threads.ToDictionary(t => t.Address, t => t.OSThreadId);
        int self = Environment.CurrentManagedThreadId;

        using var sources = new SourceLines();
        var threads = new List<ManagedThread>();
        foreach (var thread in runtime.Threads)
        {
            if (!thread.IsAlive)
                continue;
            var frames = new List<string>();
            string? lastFrame = null;
            foreach (var frame in thread.EnumerateStackTrace())
            {
                string? text = frame.Kind == ClrStackFrameKind.ManagedMethod && frame.Method is { } method
                    ? $"{method.Type?.Name}.{method.Name}({Parameters(method.Signature)}){sources.Find(method.Type?.Module?.Name, method.MetadataToken, SafeILOffset(method, frame.InstructionPointer))}"
                    : frame.FrameName is { Length: > 0 } frameName && !PlumbingFrames.Contains(frameName) ? $"[{frameName}]" : null;
                if (text is null || text == lastFrame)
                    continue;
                lastFrame = text;
                if (frames.Count < MaxFrames)
                    frames.Add(text);
            }
            int osId = (int)thread.OSThreadId;
            bool pool = (thread.State & (ClrThreadState.TS_TPWorkerThread | ClrThreadState.TS_CompletionPortThread)) != 0;
            string name = names.TryGetValue(osId, out var comm) ? comm : "";
            var marks = new List<string> { $"managed {thread.ManagedThreadId}" };
            if ((thread.State & ClrThreadState.TS_Background) != 0) marks.Add("background");
            if (thread.IsFinalizer) marks.Add("finalizer");
            if (pool) marks.Add("thread-pool");
            if (name.StartsWith("Signals dispatc", StringComparison.Ordinal)) marks.Add("Signals dispatcher");
            if (thread.ManagedThreadId == self) marks.Add("writing this report");
            if (thread.IsGc) marks.Add("GC");
            string title = $"Thread {osId} \"{name}\" ({string.Join(", ", marks)}):";
            if (thread.ManagedThreadId == self)
                frames.Clear(); // our own capture: its frames say nothing about the application
            string? monitor = frames.Take(4).FirstOrDefault(f => f.StartsWith("System.Threading.Monitor.", StringComparison.Ordinal));
            threads.Add(new ManagedThread(title, LockOf(runtime, thread, monitor, locks, osIdByAddress), frames, pool, thread.IsFinalizer));
        }
        return threads;
    }

    /// <summary>
    /// The IL offset of a return address. It points just after the call, so one byte back is the call itself (what a
    /// debugger shows for every frame but the innermost). -1 when unknown.
    /// </summary>
    private static int SafeILOffset(ClrMethod method, ulong instructionPointer)
    {
        try { return method.GetILOffset(instructionPointer > 0 ? instructionPointer - 1 : 0); }
        catch (Exception exception) when (exception is InvalidOperationException or ArgumentException) { return -1; }
    }

    /// <summary>"(System.Object, Int32)" from "System.Threading.Monitor.Wait(System.Object, Int32)".</summary>
    private static string Parameters(string? signature)
    {
        if (signature is null)
            return "";
        int open = signature.IndexOf('(');
        return open >= 0 && signature.EndsWith(')') ? signature[(open + 1)..^1] : "";
    }

    /// <summary>The runtime's transition frames that every P/Invoke or thread start has: they say nothing to a reader.</summary>
    private static readonly HashSet<string> PlumbingFrames = ["InlinedCallFrame", "DebuggerU2MCatchHandlerFrame"];

    /// <summary>
    /// The lock a thread in a Monitor method waits on: from the sync block table when the dump has it (then with its
    /// holder), else the innermost object on the thread's stack, which is the Monitor call's argument (a Mini dump
    /// often lacks the sync block table).
    /// </summary>
    private static string? LockOf(ClrRuntime runtime, ClrThread thread, string? monitorFrame, Dictionary<ulong, SyncBlock> locks, Dictionary<ulong, uint> osIdByAddress)
    {
        if (monitorFrame is null)
            return null;
        bool inMonitorWait = monitorFrame.StartsWith("System.Threading.Monitor.Wait(", StringComparison.Ordinal);
        string verb = inMonitorWait ? "waits in Monitor.Wait on" : "waits to enter the lock of";
        ClrObject? innermost = null;
        foreach (var root in thread.EnumerateStackRoots())
        {
            innermost ??= root.Object;
            if (!locks.TryGetValue(root.Object.Address, out var block))
                continue;
            string what = $"{runtime.Heap.GetObjectType(block.Object)?.Name ?? "object"} 0x{block.Object:x}";
            if (block.IsMonitorHeld && block.HoldingThreadAddress != thread.Address)
            {
                string holder = osIdByAddress.TryGetValue(block.HoldingThreadAddress, out uint id) ? $"thread {id}" : "another thread";
                return $"waits to enter the lock of {what}, held by {holder}";
            }
            if (inMonitorWait && (!block.IsMonitorHeld || block.HoldingThreadAddress != thread.Address))
                return $"waits in Monitor.Wait on {what}";
        }
        return innermost is { } target && !target.IsNull ? $"{verb} {target.Type?.Name ?? "object"} 0x{target.Address:x}" : null;
    }
}
