using System.Runtime.InteropServices;

namespace Signals.Interop;

/// <summary>
/// Owns a pidfd from signals_pidfd_open. A SafeHandle so that a send racing <see cref="ProcessHandle.Dispose"/>
/// never uses a number that was closed (and perhaps reused by another open) meanwhile: the send holds a reference.
/// </summary>
internal sealed class PidfdSafeHandle : SafeHandle
{
    public PidfdSafeHandle(int fd) : base(invalidHandleValue: -1, ownsHandle: true) => SetHandle(fd);

    public override bool IsInvalid => handle < 0;

    protected override bool ReleaseHandle() => Native.SignalsClose((int)handle) == 0;
}
