/*
 * state.h — the state shared between the signal handler (handler.c) and the rest of the library. Everything
 * the handler touches is here: lock-free atomics, or data published before the handler can see it.
 *
 * The path of one record (docs/design.md): the handler reserves a position in `signals_ring` (process
 * memory, never a descriptor), writes the record and publishes it; if the reader said it is about to sleep
 * (`signals_reader_armed`), the handler then wakes it: a futex in process memory for a reader asleep in
 * signals_read_wait(), or one byte, which carries nothing, into the wake socket for a C poll loop. The reader
 * (reader.c) drains the ring. Nothing another process can reach becomes or takes a record.
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

/* A slot is live while our handler was installed for it and never restored: HANDLE, OBSERVE or
 * PASSTHROUGH. Whatever sits above a live slot's handler was installed after ours. */
static inline int signals_policy_live(int policy)
{
    return policy == SIGNALS_POLICY_HANDLE || policy == SIGNALS_POLICY_OBSERVE ||
           policy == SIGNALS_POLICY_PASSTHROUGH;
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
    /* The saved action has SA_RESETHAND and the handler has already chained to it once: from now on it
     * counts as SIG_DFL (as the kernel would have reset it). Cleared whenever a new action is saved. */
    _Atomic int previous_reset_spent;
    /* An install found the saved action's handler on top, above ours: its owner installed it again over ours,
     * and so saved ours as what lies beneath it. Once ours is back on top, that owner has put ours back and
     * removed itself, so the saved action is stale (core.c, "stale previous"). Cleared whenever a new action is
     * saved. (Not set by the handler: a delivery racing our own restore also finds the saved handler on top.) */
    _Atomic int previous_went_above;
    /* Which of our two forms the current installation put on top (core.c, "generations"), what each saved
     * when it was installed, 1 + the form a foreign handler was last seen above (0: none), and how many fresh
     * installs there were. Core only, under its lock; the handler never reads these. */
    int generation;
    struct sigaction saved_by_generation[2];
    int exposed;
    unsigned fresh_installs;
    _Atomic uint64_t delivered;  /* deliveries recorded by the handler (put in the ring or overflowed) */
    _Atomic uint64_t overflowed; /* deliveries whose record did not fit in the ring */
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
 * Only the process that opened the channel records. `signals_owner_mark` points into a page advised
 * MADV_WIPEONFORK (and cleared by a fork handler too), so a forked child reads 0 there without a system call;
 * where that advice is refused (kernels before 4.14) it is NULL and the handler compares getpid() with
 * signals_owner_pid instead. */
extern _Atomic(_Atomic uint32_t *) signals_owner_mark;
extern _Atomic pid_t signals_owner_pid;

void signals_handler(int signo, siginfo_t *info, void *ucontext);

/* Writes one wake byte if the channel is open. Async-signal-safe (handler.c; signals_wake()). 0 / -1 EBADF. */
int signals_send_wake(void);
/* Bumps signals_wake_word and wakes a reader asleep on it (futex(2), one system call). Async-signal-safe. */
void signals_wake_sleeper(void);

/* Helpers for the non-handler files (never called from the handler): a signal number 1..SIGRTMAX; fail
 * with errno set, returning -1 as every int function of signals.h does. */
static inline int signals_in_range(int signo)
{
    return signo >= 1 && signo <= signals_rtmax();
}

static inline int signals_fail(int error)
{
    errno = error;
    return -1;
}

/* reader.c, for core.c: open the channel if needed (thread-safe); close it after every action was restored
 * (records already in the ring stay readable); start afresh in a forked child. 0 / -1 errno. */
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

/* CLOCK_MONOTONIC in nanoseconds: the records' timestamps and the reader's deadlines. clock_gettime is
 * async-signal-safe. */
static inline int64_t signals_monotonic_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

/* Fills a record from a siginfo_t. Pure computation plus clock_gettime (async-signal-safe), so both the
 * handler and signals_wait_info() use it. pid/uid and value are kept only where the kernel defines them for
 * that si_code, so callers never see another union member's bytes. No siginfo (a plain handler above ours
 * chained with NULL): SIGNALS_CODE_NO_INFO, which no reader may take as a verified sender. */
static inline void signals_fill_record(signals_record *record, int signo, const siginfo_t *info)
{
    record->signo = signo;
    record->timestamp_ns = signals_monotonic_ns();
    record->coalesced = 0;
    record->reserved = 0;
    if (info == NULL) {
        record->code = SIGNALS_CODE_NO_INFO;
        record->sender_pid = 0;
        record->sender_uid = 0;
        record->value = 0;
        return;
    }
    int code = info->si_code;
    int has_sender = code == SI_USER || code == SI_QUEUE || code == SI_TKILL || code == SI_MESGQ ||
                     (signo == SIGCHLD && code > 0);
    int has_value = code == SI_QUEUE || code == SI_TIMER || code == SI_MESGQ;
    record->code = code;
    record->sender_pid = has_sender ? info->si_pid : 0;
    record->sender_uid = has_sender ? info->si_uid : 0;
    record->value = has_value ? (int64_t)(intptr_t)info->si_value.sival_ptr : 0;
}

#endif
