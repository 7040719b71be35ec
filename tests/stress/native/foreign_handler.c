/*
 * foreign_handler.c — "another library's" signal handler for scenario R8 (tests/stress), built by run.sh
 * into libforeign_handler.so and loaded with NativeLibrary (function pointers, no DllImport).
 *
 * It behaves like a typical well-meaning native library: an SA_SIGINFO handler installed with sigaction(2)
 * over whatever is there, which counts its calls and then chains to the action it saved (a function only;
 * SIG_DFL and SIG_IGN are skipped). Removing it restores the saved action when it is still on top;
 * otherwise someone installed over it and may chain to it, so it stays as a pass-through that only chains.
 * Deliberately naive: no re-entry guard, so a chaining cycle shows up as the crash it would be in real life.
 *
 *   int  foreign_install(int signo)  0; -1 errno; -2 already present (installed or left as a pass-through)
 *   int  foreign_remove(int signo)   0 restored; 1 left as a pass-through; -2 not installed
 *   long foreign_count(int signo)    calls counted while installed
 *   int  foreign_is_top(int signo)   1 when the current action is this handler
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>

#define FOREIGN_MAX_SIGNO 64

static struct sigaction saved[FOREIGN_MAX_SIGNO + 1];
static atomic_long counts[FOREIGN_MAX_SIGNO + 1];
static atomic_int counting[FOREIGN_MAX_SIGNO + 1];
static atomic_int present[FOREIGN_MAX_SIGNO + 1];

static void foreign_handler(int signo, siginfo_t *info, void *ucontext)
{
    int saved_errno = errno;
    if (signo > 0 && signo <= FOREIGN_MAX_SIGNO) {
        if (atomic_load(&counting[signo]))
            atomic_fetch_add(&counts[signo], 1);
        const struct sigaction *previous = &saved[signo];
        if (previous->sa_flags & SA_SIGINFO) {
            if ((void *)previous->sa_sigaction != (void *)SIG_DFL && (void *)previous->sa_sigaction != (void *)SIG_IGN) {
                errno = saved_errno;
                previous->sa_sigaction(signo, info, ucontext);
            }
        } else if (previous->sa_handler != SIG_DFL && previous->sa_handler != SIG_IGN) {
            errno = saved_errno;
            previous->sa_handler(signo);
        }
    }
    errno = saved_errno;
}

static int in_range(int signo) { return signo > 0 && signo <= FOREIGN_MAX_SIGNO; }

static int is_top(int signo)
{
    struct sigaction current;
    return sigaction(signo, NULL, &current) == 0 && (current.sa_flags & SA_SIGINFO) &&
           current.sa_sigaction == foreign_handler;
}

int foreign_install(int signo)
{
    if (!in_range(signo)) {
        errno = EINVAL;
        return -1;
    }
    if (atomic_load(&present[signo]))
        return -2;
    struct sigaction ours;
    memset(&ours, 0, sizeof ours);
    ours.sa_sigaction = foreign_handler;
    ours.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&ours.sa_mask);
    /* Saved before we go on top (one sigaction call that swaps): a delivery in between chains correctly. */
    if (sigaction(signo, NULL, &saved[signo]) != 0)
        return -1;
    atomic_store(&counting[signo], 1);
    atomic_store(&present[signo], 1);
    if (sigaction(signo, &ours, NULL) != 0) {
        atomic_store(&present[signo], 0);
        return -1;
    }
    return 0;
}

int foreign_remove(int signo)
{
    if (!in_range(signo) || !atomic_load(&present[signo]))
        return -2;
    atomic_store(&counting[signo], 0);
    if (is_top(signo) && sigaction(signo, &saved[signo], NULL) == 0) {
        atomic_store(&present[signo], 0);
        return 0;
    }
    return 1; /* someone is above us and may chain to us: stay as a pass-through */
}

long foreign_count(int signo) { return in_range(signo) ? atomic_load(&counts[signo]) : -1; }

int foreign_is_top(int signo) { return in_range(signo) ? is_top(signo) : 0; }
