/*
 * state.h — everything the signal handler (handler.c) shares with the rest of the library: lock-free atomics, or
 * data published before the handler can see it. The path of one record (docs/design.md): handler.c puts it in
 * `signals_ring` (process memory, never a descriptor) and wakes a sleeping reader: a futex in that memory, or,
 * for a C poll loop, a byte that carries nothing on the wake socket.
 */
#ifndef SIGNALS_STATE_H
#define SIGNALS_STATE_H

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "signals.h"

#define SIGNALS_MAX_SIGNO 64

/* Internal policy beyond the public ones: our handler is still installed (someone replaced us and we
 * could not restore, or the subscription was withdrawn) but it records nothing and only chains. */
#define SIGNALS_POLICY_PASSTHROUGH 3

/* A subscription (HANDLE or OBSERVE): the handler records, the tamper check looks. */
static inline int signals_policy_subscribed(int policy)
{
    return policy == SIGNALS_POLICY_HANDLE || policy == SIGNALS_POLICY_OBSERVE;
}

/* A slot is live while our handler was installed for it and never restored: HANDLE, OBSERVE or
 * PASSTHROUGH. Whatever sits above a live slot's handler was installed after ours. */
static inline int signals_policy_live(int policy)
{
    return signals_policy_subscribed(policy) || policy == SIGNALS_POLICY_PASSTHROUGH;
}

/* The function an action calls: SA_SIGINFO picks the member. */
static inline void *signals_function_of(const struct sigaction *action)
{
    return (action->sa_flags & SA_SIGINFO) ? (void *)action->sa_sigaction : (void *)action->sa_handler;
}

/* SIG_DFL or SIG_IGN: a disposition with no function to chain to. */
static inline int signals_is_builtin(const struct sigaction *action)
{
    void *function = signals_function_of(action);
    return function == (void *)SIG_DFL || function == (void *)SIG_IGN;
}

/* One saved action with a version (a seqlock): the writer makes `version` odd, rewrites the words, makes
 * it even again; a handler that read an odd or changed version retries. A handler never leaves anything
 * raised here, so a handler abandoned by siglongjmp cannot make an install wait. */
struct signals_saved_action {
    _Atomic uint32_t version;
    struct sigaction action; /* read and written word by word with relaxed atomics (core.c, handler.c) */
};

struct signals_slot {
    _Atomic int policy; /* 0 (not ours), SIGNALS_POLICY_HANDLE, _OBSERVE or _PASSTHROUGH */
    /* The action saved at install, double-buffered: an install rewrites the copy that is not current and
     * then flips previous_index, so a handler on another thread normally reads a copy nobody writes. */
    struct signals_saved_action previous[2];
    _Atomic int previous_index;
    /* Both cleared whenever a new action is saved. reset_spent: the saved action has SA_RESETHAND and the handler
     * chained to it once, so it now counts as SIG_DFL, as the kernel would have reset it. went_above: an install
     * found the saved handler above ours (core.c, "stale previous"); not set by the handler, since a delivery
     * racing our own restore also finds the saved handler on top. */
    _Atomic int previous_reset_spent;
    _Atomic int previous_went_above;
    /* Core only, under its lock (core.c, "generations"): which of our two forms is on top, what each saved,
     * 1 + the form a foreign handler was last seen above (0: none), and how many fresh installs there were. */
    int generation;
    struct sigaction saved_by_generation[2];
    int exposed;
    unsigned fresh_installs;
    _Atomic uint64_t delivered;  /* deliveries recorded by the handler (put in the ring or overflowed) */
    _Atomic uint64_t overflowed; /* deliveries whose record did not fit in the ring */
    _Atomic uint64_t overflowed_handled; /* of those, deliveries kept from the previous action (HANDLE) */
    _Atomic int interrupt;       /* signals_set_interrupt(): 1 leaves SA_RESTART out of our action */
};

extern struct signals_slot signals_slots[SIGNALS_MAX_SIGNO + 1];

/* --- the ring --------------------------------------------------------------------------------------------
 * A bounded multi-producer, single-consumer queue of records (Vyukov's, with one change: a position that was
 * reserved and never published can be retired by the reader and is then skipped by everyone).
 * Each cell's `sequence` says, relative to the cell's index i, what the cell holds for position p:
 *   sequence == p - i        free for position p (memory starts zeroed: every cell is free for its first lap)
 *   sequence == p - i + 1    the record of position p is published
 *   SIGNALS_CELL_RETIRED      never used again (its producer was abandoned or too slow; reader.c)
 * The reader frees a cell for p + SIGNALS_RING_RECORDS after copying its record. */
#define SIGNALS_RING_RECORDS 16384 /* a power of two; 48 bytes a cell, touched only as positions advance */
#define SIGNALS_CELL_RETIRED UINT64_MAX

struct signals_ring_cell {
    _Atomic uint64_t sequence;
    signals_record record;
};

extern struct signals_ring_cell signals_ring[SIGNALS_RING_RECORDS];
extern _Atomic uint64_t signals_ring_tail;      /* the next position a producer reserves */
extern _Atomic uint64_t signals_overflow_total; /* sum of every slot's overflowed: lets the reader skip the scan */

/* --- the wake ------------------------------------------------------------------------------------------ */
/* The reader found the ring empty and may sleep: how to wake it. 0 when it is busy (a flood costs no call). */
#define SIGNALS_ARMED_SLEEPER 1 /* asleep on signals_wake_word (futex) in signals_read_wait() */
#define SIGNALS_ARMED_POLLER 2  /* polling signals_read_fd(): wants a byte on the wake socket */
extern _Atomic int signals_reader_armed;
extern _Atomic uint32_t signals_wake_word; /* the sleeper's futex: bumped by every wake of a sleeper */
/* futex(2) operations on a word of this process (FUTEX_WAIT/FUTEX_WAKE | FUTEX_PRIVATE_FLAG), spelled out:
 * linux/futex.h is not in every sysroot we build with (musl-gcc's has no kernel headers). */
#define SIGNALS_FUTEX_WAIT_PRIVATE 128
#define SIGNALS_FUTEX_WAKE_PRIVATE 129
extern _Atomic int signals_wake_fd;      /* write end of the wake socket, -1 when closed */
extern _Atomic int signals_wake_users;   /* handlers using signals_wake_fd now; close waits a bounded time */

/* --- fork -----------------------------------------------------------------------------------------------
 * Only the process that opened the channel records. `signals_owner_mark` is in a page a forked child sees
 * zeroed (MADV_WIPEONFORK, and a fork handler), read without a system call; where that advice is refused it
 * is NULL and the handler compares getpid() with signals_owner_pid instead. */
extern _Atomic(_Atomic uint32_t *) signals_owner_mark;
extern _Atomic pid_t signals_owner_pid;

void signals_handler(int signo, siginfo_t *info, void *ucontext);

/* Writes one wake byte if the channel is open. Async-signal-safe (handler.c; signals_wake()). 0 / -1 EBADF. */
int signals_send_wake(void);
/* Bumps signals_wake_word and wakes a reader asleep on it (futex(2), one system call). Async-signal-safe. */
void signals_wake_sleeper(void);

/* A signal number 1..SIGRTMAX (signals_rtmax() is not async-signal-safe: never from the handler). */
static inline int signals_in_range(int signo)
{
    return signo >= 1 && signo <= signals_rtmax();
}

/* Fails with errno set, returning -1 as every int function of signals.h does. */
static inline int signals_fail(int error)
{
    errno = error;
    return -1;
}

/* reader.c, for core.c: open the channel if needed; close it after every action was restored (records in the
 * ring stay readable); start afresh in a forked child. 0 / -1 errno. */
int signals_channel_open(void);
void signals_channel_close(void);
int signals_channel_reset_after_fork(void);
/* reader.c, for check_schedule.c: signals_read_wait() on the channel open now; never opens one (0 at once
 * when it is closed), so a reader that outlives a shutdown cannot leave a new one behind. */
int signals_channel_read_wait(signals_record *records, int max, int timeout_ms);
int signals_channel_is_open(void);
uint64_t signals_wakes_requested(void);

/* check_schedule.c, for core.c: a forked child keeps the schedule, not the parent's lock. */
void signals_check_schedule_reset_after_fork(void);

/* CLOCK_MONOTONIC in nanoseconds (clock_gettime is async-signal-safe): timestamps and deadlines. */
static inline int64_t signals_monotonic_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

/* Fills a record from a siginfo_t; async-signal-safe, for the handler and signals_wait_info(). pid/uid and value
 * are kept only where the kernel defines them for that si_code, never another union member's bytes. No siginfo
 * (a plain handler above ours chained with NULL): SIGNALS_CODE_NO_INFO, never taken as a verified sender. */
static inline void signals_fill_record(signals_record *record, int signo, const siginfo_t *info)
{
    int code = info != NULL ? info->si_code : SIGNALS_CODE_NO_INFO;
    int has_sender = info != NULL && (code == SI_USER || code == SI_QUEUE || code == SI_TKILL ||
                                      code == SI_MESGQ || (signo == SIGCHLD && code > 0));
    int has_value = info != NULL && (code == SI_QUEUE || code == SI_TIMER || code == SI_MESGQ);
    record->signo = signo;
    record->timestamp_ns = signals_monotonic_ns();
    record->coalesced = 0;
    record->reserved = 0;
    record->code = code;
    record->sender_pid = has_sender ? info->si_pid : 0;
    record->sender_uid = has_sender ? info->si_uid : 0;
    record->value = has_value ? (int64_t)(intptr_t)info->si_value.sival_ptr : 0;
}

#endif
