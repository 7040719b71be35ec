/*
 * handler.c — the signal handler, alone in its translation unit so that the ctest
 * `handler_async_signal_safety` can list every function this object file calls (its undefined
 * symbols) and compare them with signal-safety(7).
 *
 * Calls made here, all async-signal-safe: getpid(2), clock_gettime(2), write(2) (to the non-blocking
 * record pipe: a record, or a nudge after an overflow), and the previous handler when the policy says
 * to chain.
 * No locks, no allocation, errno saved on entry and restored on every path.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <time.h>
#include <unistd.h>

#include "state.h"

/* Copies what chaining needs from the current saved action. Announce the copy we read in
 * previous_readers, then check it is still current: an install rewrites only the other copy, and
 * waits for that copy's readers to leave first (core.c, signals_install). A retry happens only when an
 * install flipped the index meanwhile. Lock-free: no waiting here, and nothing is held while the
 * previous handler runs. */
static struct sigaction previous_action(struct signals_slot *slot)
{
    struct sigaction copy;
    for (;;) {
        int index = atomic_load(&slot->previous_index);
        atomic_fetch_add(&slot->previous_readers[index], 1);
        if (atomic_load(&slot->previous_index) == index) {
            const struct sigaction *previous = &slot->previous[index];
            copy.sa_flags = previous->sa_flags;
            if (copy.sa_flags & SA_SIGINFO)
                copy.sa_sigaction = previous->sa_sigaction;
            else
                copy.sa_handler = previous->sa_handler;
            atomic_fetch_sub(&slot->previous_readers[index], 1);
            return copy;
        }
        atomic_fetch_sub(&slot->previous_readers[index], 1);
    }
}

/* Calls the action that was there before ours: a function only, never SIG_DFL or SIG_IGN (emulating
 * those from inside a handler is not possible safely). SA_SIGINFO picks which member is the function. */
static void chain_to_previous(int signo, siginfo_t *info, void *ucontext, const struct sigaction *previous)
{
    if (previous->sa_flags & SA_SIGINFO) {
        void (*function)(int, siginfo_t *, void *) = previous->sa_sigaction;
        if ((void *)function == (void *)SIG_DFL || (void *)function == (void *)SIG_IGN ||
            function == signals_handler)
            return;
        function(signo, info, ucontext);
    } else {
        void (*function)(int) = previous->sa_handler;
        if (function == SIG_DFL || function == SIG_IGN)
            return;
        function(signo);
    }
}

/* Writes one record; when the pipe is full, counts the delivery as overflowed instead. Order matters:
 * count (the slot, then the total) first, then nudge, so a reader always sees this delivery. */
static void record_delivery(struct signals_slot *slot, int signo, const siginfo_t *info)
{
    int fd = atomic_load_explicit(&signals_record_fd, memory_order_acquire);
    if (fd < 0)
        return; /* shut down: nothing to record into */
    signals_record record;
    signals_fill_record(&record, signo, info);
    atomic_fetch_add_explicit(&slot->delivered, 1, memory_order_relaxed);
    /* A 40-byte write to a pipe is atomic (< PIPE_BUF): it goes in whole or fails with EAGAIN. */
    if (write(fd, &record, sizeof record) == (ssize_t)sizeof record) {
        atomic_fetch_add_explicit(&signals_records_written, 1, memory_order_release);
        return;
    }
    /* Failure policy: never block, never retry; the delivery becomes part of a coalesced record. Then
     * a nudge (a zeroed record, signo 0): if it fits, the reader wakes for it; if the pipe is still
     * full, the reader has yet to drain it and reads the counts after it does (pipe.c). */
    atomic_fetch_add_explicit(&slot->overflowed, 1, memory_order_release);
    atomic_fetch_add_explicit(&signals_overflow_total, 1, memory_order_release);
    signals_record nudge = {0};
    if (write(fd, &nudge, sizeof nudge) == (ssize_t)sizeof nudge)
        atomic_fetch_add_explicit(&signals_records_written, 1, memory_order_release);
}

void signals_handler(int signo, siginfo_t *info, void *ucontext)
{
    int saved_errno = errno;
    atomic_fetch_add_explicit(&signals_handlers_running, 1, memory_order_acq_rel);
    if (signo > 0 && signo <= SIGNALS_MAX_SIGNO) {
        struct signals_slot *slot = &signals_slots[signo];
        int policy = atomic_load_explicit(&slot->policy, memory_order_acquire);
        int records = policy == SIGNALS_POLICY_HANDLE || policy == SIGNALS_POLICY_OBSERVE;
        if (records && getpid() == atomic_load_explicit(&signals_owner_pid, memory_order_relaxed))
            record_delivery(slot, signo, info);
        if (policy != SIGNALS_POLICY_HANDLE) {
            struct sigaction previous = previous_action(slot);
            errno = saved_errno; /* the previous handler sees the interrupted code's errno */
            chain_to_previous(signo, info, ucontext, &previous);
        }
    }
    atomic_fetch_sub_explicit(&signals_handlers_running, 1, memory_order_acq_rel);
    errno = saved_errno;
}
