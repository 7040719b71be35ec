using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Signals.Tests.Hosting;

/// <summary>
/// recvmsg(2) with SCM_CREDENTIALS on a socket with SO_PASSCRED set: the datagram and the pid the kernel vouches for,
/// what systemd checks for NotifyAccess=main. .NET's Socket has no API for the credentials message (x86-64/arm64
/// layouts: LP64).
/// </summary>
internal static unsafe class UnixCredentials
{
    internal const int SolSocket = 1;
    internal const int SoPasscred = 16;
    private const int ScmCredentials = 2;

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct CmsgHdr
    {
        public nuint Length;
        public int Level;
        public int Type;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern nint recvmsg(int socket, MsgHdr* message, int flags);

    /// <summary>Receives one datagram; returns it and the sender's pid (0 when no credentials came with it).</summary>
    internal static (string Message, int SenderPid) Receive(Socket socket)
    {
        var data = new byte[4096];
        var control = new byte[64];
        fixed (byte* dataPointer = data)
        fixed (byte* controlPointer = control)
        {
            var iov = new IoVec { Base = dataPointer, Length = (nuint)data.Length };
            var header = new MsgHdr { Iov = &iov, IovLength = 1, Control = controlPointer, ControlLength = (nuint)control.Length };
            nint length = recvmsg((int)socket.Handle, &header, 0);
            if (length < 0)
                throw new SocketException(Marshal.GetLastPInvokeError());
            int pid = 0;
            if (header.ControlLength >= (nuint)sizeof(CmsgHdr))
            {
                var cmsg = (CmsgHdr*)controlPointer;
                if (cmsg->Level == SolSocket && cmsg->Type == ScmCredentials)
                    pid = *(int*)(controlPointer + sizeof(CmsgHdr)); // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
            }
            return (Encoding.UTF8.GetString(data, 0, (int)length), pid);
        }
    }
}
