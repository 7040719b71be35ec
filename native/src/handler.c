/*
 * handler.c — the signal handler, alone in its translation unit so that the ctest
 * `handler_async_signal_safety` can list every function this object file calls (its undefined
 * symbols) and compare them with signal-safety(7).
 *
 * Calls made here, all async-signal-safe: getpid(2), clock_gettime(2), write(2) (to the non-blocking
 * record pipe: a record, or a nudge after an overflow), sigaction(2) (only to read the action on top
 * before chaining), and the previous handler when the policy says to chain.
 * No locks, no allocation, errno saved on entry and restored on every path.
 *
 * Re-entry guard. Handlers chain: ours calls the action it replaced, and a handler installed above ours
 * calls ours. If those links ever form a cycle (ours -> theirs -> ours; two foreign handlers that each
 * saved the other), every delivery would recurse until the stack overflows. So each thread keeps a
 * small stack of the invocations of ours that are chaining right now: {signal, siginfo pointer, frame
 * address}. A chain passes the kernel's siginfo pointer along unchanged, so an invocation that finds a
 * live entry with the same signal and the same siginfo pointer is that delivery coming round again: it
 * returns at once (the first invocation recorded it). Two deliveries never share a siginfo pointer
 * while both are live, since each kernel delivery gets its own frame below the interrupted code.
 *
 * A previous handler may siglongjmp out of ours (the alarm-timeout idiom) and skip the pop, so entries
 * are trusted only while their frame still exists. The stack grows down: a live ancestor's frame is at
 * a higher address than ours, and an entry whose recorded frame is at or below our frame belongs to a
 * frame that has been left, so it is dropped on entry. (A fresh delivery that happens to reuse the
 * same siginfo address reuses the same handler frame address too, so the stale entry is not above us
 * and is dropped.) If eight distinct invocations are live on one thread, a further one is not pushed:
 * eight distinct live invocations cannot come from one delivery recursing, since each recursion would
 * have been caught before it pushed. Limits: a handler on an alternate signal stack compares addresses
 * of two different stacks, which at worst lets a cycle go round once more before it is caught on the
 * alternate stack itself.
 *
 * The stack is initial-exec TLS: a plain %fs-relative access, async-signal-safe, with no call to
 * __tls_get_addr (which may allocate). It is kept small (about 200 bytes) because a dlopen'ed library
 * takes its initial-exec TLS from glibc's small static-TLS surplus.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <time.h>
#include <unistd.h>

#include "state.h"

#define GUARD_DEPTH 8

struct guard_entry {
    int signo;
    const siginfo_t *info;
    uintptr_t frame;
};

struct guard_stack {
    int depth;
    struct guard_entry entries[GUARD_DEPTH];
};

static __thread struct guard_stack guard __attribute__((tls_model("initial-exec")));

/* Drops the entries whose frames are gone (a siglongjmp left them), then reports whether this
 * delivery is already being handled further up this thread's stack. A nested handler may interrupt
 * any of this: it only pushes above `depth` and pops back to it, so the entries below stay intact. */
static int guard_reentered(int signo, const siginfo_t *info, uintptr_t frame)
{
    while (guard.depth > 0 && guard.entries[guard.depth - 1].frame <= frame)
        guard.depth--;
    for (int i = 0; i < guard.depth; i++)
        if (guard.entries[i].signo == signo && guard.entries[i].info == info)
            return 1;
    return 0;
}

/* Returns the index pushed, or -1 when the stack is full. The entry is written before `depth` counts
 * it, so a nested handler never sees a half-written entry. */
static int guard_push(int signo, const siginfo_t *info, uintptr_t frame)
{
    int index = guard.depth;
    if (index >= GUARD_DEPTH)
        return -1;
    guard.entries[index].signo = signo;
    guard.entries[index].info = info;
    guard.entries[index].frame = frame;
    atomic_signal_fence(memory_order_seq_cst);
    guard.depth = index + 1;
    return index;
}

static void guard_pop(int index)
{
    if (index >= 0)
        guard.depth = index;
}

/* Copies what chaining needs from the current saved action. Announce the copy we read in
 * previous_readers, then check it is still current: an install rewrites only the other copy, and
 * waits for that copy's readers to leave first (core.c, save_previous). A retry happens only when an
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
 * those from inside a handler is not possible safely). SA_SIGINFO picks which member is the function.
 * An SA_RESETHAND action is one-shot: the kernel would have reset it to SIG_DFL at its first delivery,
 * so it runs once and then counts as SIG_DFL (restore puts back SIG_DFL too, core.c). */
static void chain_to_previous(struct signals_slot *slot, int signo, siginfo_t *info, void *ucontext,
                              const struct sigaction *previous)
{
    void *function = (previous->sa_flags & SA_SIGINFO) ? (void *)previous->sa_sigaction
                                                        : (void *)previous->sa_handler;
    if (function == (void *)SIG_DFL || function == (void *)SIG_IGN || function == (void *)signals_handler)
        return;
    /* The action on top already ran for this delivery: the kernel calls the top first, and ours runs below
     * it only because it chained to us. That happens when a library puts back over ours the handler ours
     * had saved (System.Native does, when a PosixSignalRegistration is created again): calling it from
     * here would run it twice per delivery (the guard stops only the second round of ours). */
    struct sigaction top;
    if (sigaction(signo, NULL, &top) == 0 &&
        ((top.sa_flags & SA_SIGINFO) ? (void *)top.sa_sigaction : (void *)top.sa_handler) == function)
        return;
    if ((previous->sa_flags & SA_RESETHAND) && atomic_exchange(&slot->previous_reset_spent, 1))
        return;
    if (previous->sa_flags & SA_SIGINFO)
        previous->sa_sigaction(signo, info, ucontext);
    else
        previous->sa_handler(signo);
}

/* Writes one record; when the pipe is full, counts the delivery as overflowed instead. Order matters:
 * count (the slot, then the total) first, then nudge, so a reader always sees this delivery.
 *
 * signals_handlers_running counts only the use of the descriptor, from before it is loaded to after
 * the last write, and never the chaining: a previous handler that siglongjmps out must not leave it
 * raised. "Count in, then load the fd" here against "exchange the fd, then wait for the count" in
 * pipe.c is a store-then-load on each side (Dekker): only seq_cst on all four accesses guarantees that
 * at least one side sees the other's store, i.e. that close never misses a handler about to write. */
static void record_delivery(struct signals_slot *slot, int signo, const siginfo_t *info)
{
    atomic_fetch_add_explicit(&signals_handlers_running, 1, memory_order_seq_cst);
    int fd = atomic_load_explicit(&signals_record_fd, memory_order_seq_cst);
    if (fd >= 0) {
        /* A plain handler above ours that chains to ours has no siginfo to pass and may pass NULL:
         * record it as a delivery with no sender rather than crash. */
        static const siginfo_t no_info;
        signals_record record;
        signals_fill_record(&record, signo, info != NULL ? info : &no_info);
        record.reserved = atomic_load_explicit(&signals_record_tag, memory_order_relaxed);
        atomic_fetch_add_explicit(&slot->delivered, 1, memory_order_relaxed);
        /* A 40-byte write to a pipe is atomic (< PIPE_BUF): it goes in whole or fails with EAGAIN. */
        if (write(fd, &record, sizeof record) == (ssize_t)sizeof record) {
            atomic_fetch_add_explicit(&signals_records_written, 1, memory_order_release);
        } else {
            /* Failure policy: never block, never retry; the delivery becomes part of a coalesced
             * record. Then a nudge (signo 0, tagged): if it fits, the reader wakes for it; if the pipe
             * is still full, the reader has yet to drain it and reads the counts after it does. */
            atomic_fetch_add_explicit(&slot->overflowed, 1, memory_order_release);
            atomic_fetch_add_explicit(&signals_overflow_total, 1, memory_order_release);
            signals_record nudge = {0};
            nudge.reserved = record.reserved;
            if (write(fd, &nudge, sizeof nudge) == (ssize_t)sizeof nudge)
                atomic_fetch_add_explicit(&signals_records_written, 1, memory_order_release);
        }
    }
    atomic_fetch_sub_explicit(&signals_handlers_running, 1, memory_order_seq_cst);
}

void signals_handler(int signo, siginfo_t *info, void *ucontext)
{
    int saved_errno = errno;
    uintptr_t frame = (uintptr_t)__builtin_frame_address(0);
    if (signo > 0 && signo <= SIGNALS_MAX_SIGNO && !guard_reentered(signo, info, frame)) {
        struct signals_slot *slot = &signals_slots[signo];
        int policy = atomic_load_explicit(&slot->policy, memory_order_acquire);
        int records = policy == SIGNALS_POLICY_HANDLE || policy == SIGNALS_POLICY_OBSERVE;
        if (records && getpid() == atomic_load_explicit(&signals_owner_pid, memory_order_relaxed))
            record_delivery(slot, signo, info);
        if (policy != SIGNALS_POLICY_HANDLE) {
            struct sigaction previous = previous_action(slot);
            int pushed = guard_push(signo, info, frame);
            errno = saved_errno; /* the previous handler sees the interrupted code's errno */
            chain_to_previous(slot, signo, info, ucontext, &previous);
            guard_pop(pushed);
        }
    }
    errno = saved_errno;
}
