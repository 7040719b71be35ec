/*
 * libc_names.h — the C library's abbreviation ("USR1") and description ("User defined signal 1") of a standard
 * signal (1..31), for system.c. glibc (2.32+) has sigabbrev_np and sigdescr_np. musl has neither: its strsignal
 * returns a pointer into a constant table (thread-safe, unlike glibc's for unknown numbers), and abbreviations
 * come from a table indexed by the target's own <signal.h> constants (the architecture being built).
 */
#ifndef SIGNALS_LIBC_NAMES_H
#define SIGNALS_LIBC_NAMES_H

#include <signal.h>
#include <stddef.h>
#include <string.h>

#if defined(__GLIBC__)

static inline const char *signals_libc_abbreviation(int signo) { return sigabbrev_np(signo); }
static inline const char *signals_libc_description(int signo) { return sigdescr_np(signo); }

#else

static inline const char *signals_libc_abbreviation(int signo)
{
    static const char *const names[32] = {
        [SIGHUP] = "HUP",     [SIGINT] = "INT",     [SIGQUIT] = "QUIT",     [SIGILL] = "ILL",
        [SIGTRAP] = "TRAP",   [SIGABRT] = "ABRT",   [SIGBUS] = "BUS",       [SIGFPE] = "FPE",
        [SIGKILL] = "KILL",   [SIGUSR1] = "USR1",   [SIGSEGV] = "SEGV",     [SIGUSR2] = "USR2",
        [SIGPIPE] = "PIPE",   [SIGALRM] = "ALRM",   [SIGTERM] = "TERM",     [SIGSTKFLT] = "STKFLT",
        [SIGCHLD] = "CHLD",   [SIGCONT] = "CONT",   [SIGSTOP] = "STOP",     [SIGTSTP] = "TSTP",
        [SIGTTIN] = "TTIN",   [SIGTTOU] = "TTOU",   [SIGURG] = "URG",       [SIGXCPU] = "XCPU",
        [SIGXFSZ] = "XFSZ",   [SIGVTALRM] = "VTALRM", [SIGPROF] = "PROF",   [SIGWINCH] = "WINCH",
        [SIGPOLL] = "POLL",   [SIGPWR] = "PWR",     [SIGSYS] = "SYS",
    };
    return signo >= 1 && signo < 32 ? names[signo] : NULL;
}

static inline const char *signals_libc_description(int signo)
{
    return signo >= 1 && signo < 32 ? strsignal(signo) : NULL;
}

#endif

#endif
