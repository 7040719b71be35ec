using System.Runtime.InteropServices;

namespace Signals.Tests;

/// <summary>
/// SignalHandlers.SetInterrupt (Python's siginterrupt): a thread blocked in read(2) sees EINTR from our handler
/// only when asked. read and pipe are libc's, called through function pointers (.NET's own I/O retries EINTR).
/// </summary>
[TestFixture, NonParallelizable]
public class SignalInterruptTests
{
    private const int EINTR = 4;
    private static readonly Signal Sig = Signal.SIGUSR2;
    private static readonly nint Libc = NativeLibrary.Load("libc.so.6");

    private sealed class BlockedReader : IDisposable
    {
        private readonly int _readFd, _writeFd;
        private readonly Thread _thread;
        private int _threadId;
        public long Result;
        public int Errno;
        public volatile bool Done;

        public unsafe BlockedReader()
        {
            var pipe = (delegate* unmanaged<int*, int>)NativeLibrary.GetExport(Libc, "pipe");
            int* fds = stackalloc int[2];
            Assert.That(pipe(fds), Is.Zero);
            (_readFd, _writeFd) = (fds[0], fds[1]);
            _thread = new Thread(Read) { IsBackground = true, Name = "blocked reader" };
            _thread.Start();
            Poll.Expect(() => Volatile.Read(ref _threadId) != 0 && State(_threadId) == 'S', "the reader blocked in read(2)");
        }

        public int ThreadId => _threadId;

        private unsafe void Read()
        {
            var read = (delegate* unmanaged<int, byte*, nint, nint>)NativeLibrary.GetExport(Libc, "read");
            Volatile.Write(ref _threadId, SignalSender.CurrentThreadId);
            byte buffer;
            Result = read(_readFd, &buffer, 1);
            Errno = Marshal.GetLastSystemError();
            Done = true;
        }

        // 'S' once the thread sleeps: after publishing its id it only calls read.
        private static char State(int tid)
        {
            string stat = File.ReadAllText($"/proc/self/task/{tid}/stat");
            return stat[stat.LastIndexOf(')') + 2];
        }

        public unsafe void WriteByte()
        {
            var write = (delegate* unmanaged<int, byte*, nint, nint>)NativeLibrary.GetExport(Libc, "write");
            byte one = 1;
            Assert.That((long)write(_writeFd, &one, 1), Is.EqualTo(1));
        }

        public unsafe void Dispose()
        {
            if (!Done)
                WriteByte();
            Assert.That(_thread.Join(Poll.Deadline), Is.True);
            var close = (delegate* unmanaged<int, int>)NativeLibrary.GetExport(Libc, "close");
            close(_readFd);
            close(_writeFd);
        }
    }

    /// <summary>Blocks a reader, signals it and returns once our callback saw the delivery (the handler has run).</summary>
    private static BlockedReader InterruptBlockedReader()
    {
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = SignalEvents.Subscribe(Sig, _ => received.TrySetResult());
        var reader = new BlockedReader();
        SignalSender.ThreadKill(reader.ThreadId, Sig);
        Assert.That(received.Task.Wait(Poll.Deadline), Is.True, "the delivery");
        return reader;
    }

    [Test]
    public void WithInterruptABlockedReadFailsWithEintr()
    {
        using var scope = new SignalScope(Sig);
        Assert.That(SignalHandlers.GetInterrupt(Sig), Is.False, "restart is the default");
        SignalHandlers.SetInterrupt(Sig, true);
        try
        {
            Assert.That(SignalHandlers.GetInterrupt(Sig), Is.True);
            using var reader = InterruptBlockedReader();
            // Sent again every 200 ms: a thread that was asleep for another reason (a GC suspension between
            // publishing its id and entering read) took the first one outside read.
            var resend = System.Diagnostics.Stopwatch.StartNew();
            Poll.Expect(() =>
            {
                if (!reader.Done && resend.ElapsedMilliseconds > 200)
                {
                    try { SignalSender.ThreadKill(reader.ThreadId, Sig); }
                    catch (ArgumentException) when (reader.Done) { } // it returned and ended meanwhile (ESRCH)
                    resend.Restart();
                }
                return reader.Done;
            }, "read returns");
            Assert.That(reader.Result, Is.EqualTo(-1));
            Assert.That(reader.Errno, Is.EqualTo(EINTR));
        }
        finally
        {
            SignalHandlers.SetInterrupt(Sig, false);
        }
    }

    [Test]
    public void WithoutInterruptABlockedReadRestarts()
    {
        using var scope = new SignalScope(Sig);
        SignalHandlers.SetInterrupt(Sig, false);
        using var reader = InterruptBlockedReader();
        // The handler has run and returned (its record reached our callback). Without SA_RESTART, read would have
        // failed with EINTR as the handler returned, long before the callback ran; 200 ms more is ample margin.
        Assert.That(Poll.Until(() => reader.Done, TimeSpan.FromMilliseconds(200)), Is.False, "read is still blocked");
        reader.WriteByte();
        Poll.Expect(() => reader.Done, "read returns the byte");
        Assert.That(reader.Result, Is.EqualTo(1));
    }

    [Test]
    public void RefusedSignalsAreRejected() =>
        Assert.Throws<ArgumentException>(() => SignalHandlers.SetInterrupt(Signal.SIGKILL, true));
}
