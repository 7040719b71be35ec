/*
 * state.h — the state shared between the signal handler (handler.c) and the rest of the library
 * (core.c). Everything the handler touches is here, and all of it is lock-free atomics or data that
 * is published before the handler can see it.
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

struct signals_slot {
    _Atomic int policy; /* 0 (not ours), SIGNALS_POLICY_HANDLE, _OBSERVE or _PASSTHROUGH */
    /* The action saved at install, double-buffered: a re-install writes the copy that is not current
     * and then flips previous_index, so a handler running on another thread never reads a half-written
     * action. A handler reading copy i counts itself in previous_readers[i] (and re-checks that i is
     * still current); an install waits until the spare copy has no readers before rewriting it, since
     * a handler that loaded the index before the last flip may still be reading that copy. */
    struct sigaction previous[2];
    _Atomic int previous_index;
    _Atomic int previous_readers[2];
    /* The saved action has SA_RESETHAND and the handler has already chained to it once: from now on it
     * counts as SIG_DFL (as the kernel would have reset it). Cleared whenever a new action is saved. */
    _Atomic int previous_reset_spent;
    _Atomic uint64_t delivered;  /* deliveries recorded by the handler (written or overflowed) */
    _Atomic uint64_t overflowed; /* deliveries whose record did not fit in the pipe */
    _Atomic int interrupt;       /* signals_set_interrupt(): 1 leaves SA_RESTART out of our action */
};

extern struct signals_slot signals_slots[SIGNALS_MAX_SIGNO + 1];
extern _Atomic int signals_record_fd;   /* write end of the record pipe (non-blocking), -1 when closed */
extern _Atomic uint64_t signals_overflow_total; /* sum of every slot's overflowed: lets the reader skip the scan */
extern _Atomic uint64_t signals_records_written; /* records (and wake records) put into the pipe */
extern _Atomic pid_t signals_owner_pid; /* only this process records; a forked child does not */
extern _Atomic int signals_handlers_running; /* users of signals_record_fd in flight; close waits for 0 */
/* A per-process secret (never 0), made when the pipe is opened, that the handler and signals_wake()
 * write into every record's `reserved`: the reader drops what does not carry it (someone else wrote
 * into the pipe through /proc/<pid>/fd) and strips it before the caller sees the record. */
extern _Atomic uint32_t signals_record_tag;

void signals_handler(int signo, siginfo_t *info, void *ucontext);

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

/* pipe.c, for core.c: open the pipe if needed (thread-safe); close it after every action was restored;
 * forget the parent's pipe in a forked child and open our own. 0 / -1 errno. */
int signals_pipe_open(void);
void signals_pipe_close(void);
int signals_pipe_reset_after_fork(void);
/* pipe.c, for waker.c and check_schedule.c: wake_on_time is signals_wake() for a timeout that is due (the
 * waker's); wakes_requested counts the signals_wake() calls (a stop, a schedule change), not those. */
int signals_pipe_wake_on_time(void);
uint64_t signals_pipe_wakes_requested(void);
/* pipe.c, for check_schedule.c: signals_read_wait() on the pipe open now; never opens one (0 at once when
 * it is closed), so a reader that outlives a shutdown cannot leave a new pipe behind. */
int signals_pipe_read_wait(signals_record *records, int max, int timeout_ms);

/* waker.c, for pipe.c: a thread that wakes the reader (signals_pipe_wake_on_time) at a due time, so a reader with a timeout can
 * sleep in read(2). arm: (re)sets the due time (CLOCK_MONOTONIC ns), starting the thread if needed; -1
 * errno when the pipe is closed or no thread can start (the reader then polls). stop: ends the thread
 * and waits for it (the close, after unpublishing the write end). reset: a forked child has none. */
int signals_waker_arm(int64_t at_ns);
void signals_waker_stop(void);
void signals_waker_reset_after_fork(void);

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

/* Fills a record from a siginfo_t. Pure computation plus clock_gettime (async-signal-safe), so both
 * the handler and signals_wait_info() use it. pid/uid and value are kept only where the kernel
 * defines them for that si_code, so callers never see another union member's bytes. */
static inline void signals_fill_record(signals_record *record, int signo, const siginfo_t *info)
{
    int code = info->si_code;
    int has_sender = code == SI_USER || code == SI_QUEUE || code == SI_TKILL || code == SI_MESGQ ||
                     (signo == SIGCHLD && code > 0);
    int has_value = code == SI_QUEUE || code == SI_TIMER || code == SI_MESGQ;
    record->signo = signo;
    record->code = code;
    record->sender_pid = has_sender ? info->si_pid : 0;
    record->sender_uid = has_sender ? info->si_uid : 0;
    record->value = has_value ? (int64_t)(intptr_t)info->si_value.sival_ptr : 0;
    record->timestamp_ns = signals_monotonic_ns();
    record->coalesced = 0;
    record->reserved = 0;
}

#endif
