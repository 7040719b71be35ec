/*
 * signals.i — SWIG interface for the generated C# binding of native/include/signals.h.
 *
 * The output (build/native/generated/cs/*.cs) is internal to the Signals assembly; the public API in
 * managed/Signals wraps it. Choices, each because the default is worse:
 *  - errors: every `int` the header returns is -1 with errno on failure. errno cannot be read reliably
 *    after a P/Invoke without SetLastError, which SWIG's DllImport line cannot carry; so the wrapper
 *    turns -1 into -errno right after the call, inside native code, and C# sees a negative errno.
 *  - the record struct is declared by hand in C# (SWIG cannot emit a blittable struct); its layout is
 *    pinned here with _Static_assert and in C# by a layout test.
 *  - records and the name buffer are `ref` in the C# the library calls, pinned by a `fixed` in the generated
 *    wrapper and passed to the DllImport as a pointer: a signature of pointers and primitives needs no
 *    marshalling, so the runtime makes no IL stub for it at run time and ReadyToRun precompiles the call
 *    (a `ref` in the DllImport itself made the first use of a process JIT a stub per signature:
 *    bench/results/profile.md). The classes are `unsafe` for that `fixed` only. Integers for output are
 *    still `out` (SWIG's OUTPUT typemaps), off the subscribe path.
 *  - strings come back as IntPtr and are decoded in C# (SWIG's string helper is compiled out).
 */
%module(imclassname="NativeMethods") Native

%pragma(csharp) moduleclassmodifiers="internal static unsafe class"
%pragma(csharp) imclassclassmodifiers="internal static unsafe class"

%include <stdint.i>
%include <typemaps.i>

%{
#include <errno.h>
#include <stddef.h>
#include "signals.h"

/* The C# struct Signals.Interop.NativeRecord mirrors this layout; NativeRecordLayoutTests checks it. */
_Static_assert(sizeof(signals_record) == 40, "signals_record is 40 bytes");
_Static_assert(offsetof(signals_record, signo) == 0, "signo at 0");
_Static_assert(offsetof(signals_record, code) == 4, "code at 4");
_Static_assert(offsetof(signals_record, sender_pid) == 8, "sender_pid at 8");
_Static_assert(offsetof(signals_record, sender_uid) == 12, "sender_uid at 12");
_Static_assert(offsetof(signals_record, value) == 16, "value at 16");
_Static_assert(offsetof(signals_record, timestamp_ns) == 24, "timestamp_ns at 24");
_Static_assert(offsetof(signals_record, coalesced) == 32, "coalesced at 32");
_Static_assert(offsetof(signals_record, reserved) == 36, "reserved at 36");
%}

/* #define constants become C# `const`, not properties that call into native code. */
%csconst(1);

/* C# names: signals_read_fd -> Native.SignalsReadFd, SIGNALS_POLICY_HANDLE stays as it is. */
%rename("%(camelcase)s", %$isfunction) "";

/* -1 + errno becomes -errno, captured in the wrapper before anything can overwrite errno. */
%typemap(out) int %{ $result = ($1 == -1) ? -errno : $1; %}

/* Records: `ref NativeRecord` (the first element of a Span, or one record), a pointer to the DllImport. */
%typemap(ctype) signals_record * "signals_record *"
%typemap(imtype) signals_record * "NativeRecord*"
%typemap(cstype) signals_record * "ref NativeRecord"
%typemap(csin, pre="    fixed (NativeRecord* $csinput_pointer = &$csinput) {", terminator="    }") signals_record * "$csinput_pointer"
%typemap(in) signals_record * %{ $1 = $input; %}

/* The name buffer: `ref byte` (the first byte of a Span<byte>), a pointer to the DllImport. */
%typemap(ctype) char *buffer "char *"
%typemap(imtype) char *buffer "byte*"
%typemap(cstype) char *buffer "ref byte"
%typemap(csin, pre="    fixed (byte* $csinput_pointer = &$csinput) {", terminator="    }") char *buffer "$csinput_pointer"
%typemap(in) char *buffer %{ $1 = $input; %}

/* Static strings: returned as a pointer, decoded as UTF-8 in C#. */
%typemap(ctype) const char * "const char *"
%typemap(imtype) const char * "global::System.IntPtr"
%typemap(cstype) const char * "string"
%typemap(out) const char * %{ $result = $1; %}
%typemap(csout, excode="") const char * {
    return global::System.Runtime.InteropServices.Marshal.PtrToStringUTF8($imcall);
  }

%apply uint64_t *OUTPUT { uint64_t *delivered, uint64_t *overflowed, uint64_t *old_set, uint64_t *set };
%apply int64_t *OUTPUT { int64_t *old_value_us, int64_t *old_interval_us, int64_t *value_us, int64_t *interval_us };

%ignore signals_record;
#define SIGNALS_API
%include "signals.h"
