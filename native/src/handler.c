/*
 * handler.c — the signal handler, alone in its translation unit so that the ctest `handler_async_signal_safety`
 * can check every function its object file calls against signal-safety(7). The path of one record is all here.
 *
 * Calls made here, all async-signal-safe: clock_gettime(2); getpid(2) only where the kernel refused
 * MADV_WIPEONFORK (state.h, "fork"); only when the reader said it sleeps, futex(2) FUTEX_WAKE through
 * syscall(2) (one system call on a word of our memory, as sem_post(3) makes) or send(2) of one wake byte;
 * memmove(3) when the re-entry guard is full; sigaction(2) (only to read the action on top before chaining);
 * sigismember(3), sigaddset(3) and pthread_sigmask(3) to give the chained handler its mask; and the previous
 * handler when the policy says to chain. No locks, no allocation, errno saved on entry and restored on every
 * path.
 *
 * Our action's full sa_mask (core.c) keeps other handlers out of the record, but a foreign handler that calls
 * ours may not, and a nested handler may siglongjmp out of ours at any instruction. So nothing here is waited
 * for without a bound: the reader retires a position never published, close waits for the wake counter a
 * bounded time, the saved action is read under a seqlock (docs/design.md, "The path of one signal").
 *
 * Re-entry guard (docs/design.md, "The re-entry guard"): if chained handlers form a cycle (ours -> theirs ->
 * ours), a delivery would recurse until the stack overflows. Each thread keeps a stack of the invocations of
 * ours that are chaining; one that finds the same signal, siginfo pointer and stamp (written into the last
 * bytes of the siginfo, which the kernel zeroes for every delivery, so a new delivery at a reused address is
 * never taken for an old one) is that delivery come round again, and returns at once.
 * The guard is initial-exec TLS: a plain %fs-relative access, with no call to __tls_get_addr (which may
 * allocate); small (about 270 bytes), as a dlopen'ed library takes it from glibc's small static-TLS surplus.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "state.h"

#define GUARD_DEPTH 8
#define PUBLISH_ATTEMPTS 64

struct guard_entry {
    int signo;
    const siginfo_t *info;
    uint64_t stamp;
    uintptr_t frame;
};

struct guard_stack {
    int depth;
    uint64_t last_stamp;
    struct guard_entry entries[GUARD_DEPTH];
};

static __thread struct guard_stack guard __attribute__((tls_model("initial-exec")));

/* The last 8 bytes of the 128-byte siginfo_t: beyond every field the kernel defines, zeroed per delivery. */
static _Atomic uint64_t *stamp_of(const siginfo_t *info)
{
    return (_Atomic uint64_t *)((uintptr_t)info + sizeof(siginfo_t) - sizeof(uint64_t));
}

static uint64_t read_stamp(const siginfo_t *info)
{
    return info != NULL ? atomic_load_explicit(stamp_of(info), memory_order_relaxed) : 0;
}

/* Drops the entries whose frames are gone (at or below ours: the stack grows down), then reports whether this
 * delivery is already being handled further up this thread's stack (without siginfo, a plain handler above
 * ours passed NULL: matched by signal only). A nested handler only pushes above `depth` and pops back to it. */
static int guard_reentered(int signo, const siginfo_t *info, uintptr_t frame)
{
    while (guard.depth > 0 && guard.entries[guard.depth - 1].frame <= frame)
        guard.depth--;
    uint64_t stamp = read_stamp(info);
    for (int i = 0; i < guard.depth; i++) {
        const struct guard_entry *entry = &guard.entries[i];
        if (entry->signo == signo && entry->info == info && entry->stamp == stamp)
            return 1;
    }
    return 0;
}

/* Stamps the delivery (once: a delivery coming round keeps its stamp) and pushes it; returns the index
 * pushed. A full stack drops its oldest entry, so a cycle is still caught on its next round. The entry is
 * written before `depth` counts it, so a nested handler never sees half of it. */
static int guard_push(int signo, siginfo_t *info, uintptr_t frame)
{
    uint64_t stamp = 0;
    if (info != NULL) {
        stamp = read_stamp(info);
        if (stamp == 0) {
            stamp = ++guard.last_stamp;
            atomic_store_explicit(stamp_of(info), stamp, memory_order_relaxed);
        }
    }
    if (guard.depth >= GUARD_DEPTH) {
        memmove(&guard.entries[0], &guard.entries[1], sizeof guard.entries[0] * (GUARD_DEPTH - 1));
        guard.depth = GUARD_DEPTH - 1;
    }
    int index = guard.depth;
    guard.entries[index] = (struct guard_entry){signo, info, stamp, frame};
    atomic_signal_fence(memory_order_seq_cst);
    guard.depth = index + 1;
    return index;
}

static void guard_pop(int index)
{
    if (index < guard.depth)
        guard.depth = index;
}

/* Whether this process records: a forked child (which shares nothing with the parent's reader) does not. */
static int recording_process(void)
{
    _Atomic uint32_t *mark = atomic_load_explicit(&signals_owner_mark, memory_order_acquire);
    if (mark != NULL)
        return atomic_load_explicit(mark, memory_order_relaxed) != 0;
    return getpid() == atomic_load_explicit(&signals_owner_pid, memory_order_relaxed);
}

int signals_send_wake(void)
{
    /* Counted in while the descriptor is used, so close never closes (and a later open never reuses) the
     * number under us. Count in, then load; close exchanges, then waits: seq_cst on all four (Dekker). */
    atomic_fetch_add_explicit(&signals_wake_users, 1, memory_order_seq_cst);
    int fd = atomic_load_explicit(&signals_wake_fd, memory_order_seq_cst);
    int result = 0;
    if (fd >= 0) {
        /* Full (EAGAIN): the reader has bytes to wake for already. The byte carries nothing. */
        static const char wake_byte = 0;
        if (send(fd, &wake_byte, 1, MSG_DONTWAIT | MSG_NOSIGNAL) != 1 && errno != EAGAIN)
            result = -1;
    }
    atomic_fetch_sub_explicit(&signals_wake_users, 1, memory_order_seq_cst);
    return fd < 0 ? signals_fail(EBADF) : result;
}

void signals_wake_sleeper(void)
{
    atomic_fetch_add_explicit(&signals_wake_word, 1, memory_order_seq_cst);
    (void)syscall(SYS_futex, &signals_wake_word, SIGNALS_FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/* Puts one record in the ring, or counts it as overflowed when the ring is full; then wakes the reader if it
 * said it sleeps. Order matters: publish (or count), then look at the armed flag; the reader arms, then looks
 * at the ring again. Both store then load, seq_cst: one sees the other, so no record waits for a wake-up. */
static void record_delivery(struct signals_slot *slot, int signo, const siginfo_t *info, int handled)
{
    atomic_fetch_add_explicit(&slot->delivered, 1, memory_order_relaxed);
    int published = 0;
    uint64_t position = atomic_load_explicit(&signals_ring_tail, memory_order_relaxed);
    for (int attempt = 0; attempt < PUBLISH_ATTEMPTS; attempt++) {
        uint64_t index = position & (SIGNALS_RING_RECORDS - 1);
        struct signals_ring_cell *cell = &signals_ring[index];
        uint64_t sequence = atomic_load_explicit(&cell->sequence, memory_order_acquire);
        int retired = sequence == SIGNALS_CELL_RETIRED;
        int64_t lag = (int64_t)(sequence - (position - index));
        if (!retired && lag < 0)
            break; /* the cell still holds the record of the previous lap: full */
        if (!retired && lag > 0) {
            position = atomic_load_explicit(&signals_ring_tail, memory_order_relaxed); /* taken: look again */
            continue;
        }
        if (!atomic_compare_exchange_weak_explicit(&signals_ring_tail, &position, position + 1,
                                                   memory_order_relaxed, memory_order_relaxed))
            continue; /* `position` now holds the current tail */
        if (retired) {
            position++;
            continue; /* a retired cell is skipped by everyone */
        }
        signals_fill_record(&cell->record, signo, info);
        cell->record.reserved = handled ? SIGNALS_RECORD_HANDLED : 0;
        /* A CAS, not a store: if the reader retired this cell (we were too slow), the record is not ours to
         * publish and the delivery is counted as overflowed below instead. */
        uint64_t expected = position - index;
        published = atomic_compare_exchange_strong_explicit(&cell->sequence, &expected, expected + 1,
                                                            memory_order_seq_cst, memory_order_relaxed);
        break;
    }
    if (!published) {
        if (handled) /* before the count: a reader that sees the overflow sees this too */
            atomic_fetch_add_explicit(&slot->overflowed_handled, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&slot->overflowed, 1, memory_order_release);
        atomic_fetch_add_explicit(&signals_overflow_total, 1, memory_order_seq_cst);
    }
    int armed = atomic_load_explicit(&signals_reader_armed, memory_order_seq_cst);
    if (armed & SIGNALS_ARMED_SLEEPER)
        signals_wake_sleeper();
    if (armed & SIGNALS_ARMED_POLLER)
        (void)signals_send_wake();
}

/* Copies the current saved action (state.h, the seqlock). 0 when no stable copy was seen in a few tries,
 * which takes installs flipping the copies back to back under us: then we do not chain this once. */
static int previous_action(struct signals_slot *slot, struct sigaction *copy)
{
    enum { WORDS = sizeof(struct sigaction) / sizeof(uint64_t) };
    _Static_assert(sizeof(struct sigaction) % sizeof(uint64_t) == 0, "sigaction is whole words");
    for (int attempt = 0; attempt < 16; attempt++) {
        int index = atomic_load_explicit(&slot->previous_index, memory_order_acquire);
        struct signals_saved_action *saved = &slot->previous[index];
        uint32_t before = atomic_load_explicit(&saved->version, memory_order_acquire);
        if (before & 1)
            continue;
        const uint64_t *from = (const uint64_t *)&saved->action;
        uint64_t *to = (uint64_t *)copy;
        for (int word = 0; word < WORDS; word++)
            to[word] = __atomic_load_n(&from[word], __ATOMIC_RELAXED);
        atomic_thread_fence(memory_order_acquire);
        if (atomic_load_explicit(&saved->version, memory_order_relaxed) == before)
            return 1;
    }
    return 0;
}

/* Calls the action that was there before ours: a function only, never SIG_DFL or SIG_IGN (those cannot be
 * emulated safely from inside a handler). An SA_RESETHAND action runs once, as the kernel would have reset it
 * to SIG_DFL (restore puts back SIG_DFL too, core.c). It runs with the mask the kernel would have given it
 * (the interrupted code's, its own sa_mask, and the signal unless SA_NODEFER), not with ours. */
static void chain_to_previous(struct signals_slot *slot, int signo, siginfo_t *info, void *ucontext,
                              const struct sigaction *previous)
{
    void *function = signals_function_of(previous);
    if (signals_is_builtin(previous) || function == (void *)signals_handler)
        return;
    /* The action on top already ran for this delivery and chained to ours: a library put back over ours the
     * handler ours had saved (System.Native does, when a PosixSignalRegistration is created again). Calling it
     * here would run it twice per delivery. */
    struct sigaction top;
    if (sigaction(signo, NULL, &top) == 0 && signals_function_of(&top) == function)
        return;
    if ((previous->sa_flags & SA_RESETHAND) && atomic_exchange(&slot->previous_reset_spent, 1))
        return;
    sigset_t theirs, ours;
    int masked = 0;
    if (ucontext != NULL) {
        theirs = ((const ucontext_t *)ucontext)->uc_sigmask;
        for (int other = 1; other <= SIGNALS_MAX_SIGNO; other++)
            if (sigismember(&previous->sa_mask, other) == 1)
                sigaddset(&theirs, other);
        if (!(previous->sa_flags & SA_NODEFER))
            sigaddset(&theirs, signo);
        masked = pthread_sigmask(SIG_SETMASK, &theirs, &ours) == 0;
    }
    if (previous->sa_flags & SA_SIGINFO)
        previous->sa_sigaction(signo, info, ucontext);
    else
        previous->sa_handler(signo);
    if (masked)
        pthread_sigmask(SIG_SETMASK, &ours, NULL);
}

void signals_handler(int signo, siginfo_t *info, void *ucontext)
{
    int saved_errno = errno;
    uintptr_t frame = (uintptr_t)__builtin_frame_address(0);
    if (signo > 0 && signo <= SIGNALS_MAX_SIGNO && !guard_reentered(signo, info, frame)) {
        struct signals_slot *slot = &signals_slots[signo];
        int policy = atomic_load_explicit(&slot->policy, memory_order_acquire);
        if (signals_policy_subscribed(policy) && recording_process())
            record_delivery(slot, signo, info, policy == SIGNALS_POLICY_HANDLE);
        /* A forgotten slot (0) chains to nothing: its saved action is builtin, or the function our restore put on
         * top, which ran already or was removed by its owner (docs/design.md, "Chaining rules"). */
        int chains = policy == SIGNALS_POLICY_OBSERVE || policy == SIGNALS_POLICY_PASSTHROUGH;
        struct sigaction previous;
        if (chains && previous_action(slot, &previous)) {
            int pushed = guard_push(signo, info, frame);
            errno = saved_errno; /* the previous handler sees the interrupted code's errno */
            chain_to_previous(slot, signo, info, ucontext, &previous);
            guard_pop(pushed);
        }
    }
    errno = saved_errno;
}
