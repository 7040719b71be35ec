/*
 * check_schedule.c — when the dispatcher next looks for tampering, and the wait that looks (docs/design.md,
 * "Tampering"): soon (CHECK_FAST) after a subscription changes or a repair, then doubling after each clean
 * check up to CHECK_SLOW. signals_read_wait_checked() makes the clean checks (nearly all) itself and goes on
 * waiting, so an idle .NET process runs no managed code of ours (a managed loop, recompiled by the tiered JIT,
 * cost 0.5 MB of resident memory). All state is under schedule_lock; nothing here runs in a signal handler.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <pthread.h>
#include <string.h>

#include "state.h"

#define CHECK_FAST_NS INT64_C(200000000)  /* 200 ms */
#define CHECK_SLOW_NS INT64_C(60000000000) /* 60 s: the cost of an idle wake-up, see design.md */

static pthread_mutex_t schedule_lock = PTHREAD_MUTEX_INITIALIZER;
static int64_t interval_ns = CHECK_FAST_NS;
static int64_t due_ns = INT64_MAX;            /* CLOCK_MONOTONIC; none until the first change */
/* When the reader's current wait ends at the latest; NOT_WAITING between waits (the next reads the schedule). */
#define NOT_WAITING INT64_MIN
static int64_t sleeping_until_ns = NOT_WAITING;

void signals_check_soon(void)
{
    pthread_mutex_lock(&schedule_lock);
    interval_ns = CHECK_FAST_NS;
    int64_t soon = signals_monotonic_ns() + CHECK_FAST_NS;
    if (soon < due_ns)
        due_ns = soon; /* a check already nearer stays: frequent changes never postpone it */
    int wake = sleeping_until_ns > due_ns;
    if (wake)
        sleeping_until_ns = due_ns; /* one wake is enough: the reader recomputes its timeout */
    pthread_mutex_unlock(&schedule_lock);
    if (wake)
        (void)signals_wake(); /* no pipe, no reader: nothing to wake */
}

int signals_check_due(void)
{
    pthread_mutex_lock(&schedule_lock);
    int due = signals_monotonic_ns() >= due_ns;
    pthread_mutex_unlock(&schedule_lock);
    return due;
}

void signals_check_done(int repaired)
{
    pthread_mutex_lock(&schedule_lock);
    if (repaired)
        interval_ns = CHECK_FAST_NS; /* whoever tampered may do it again soon */
    else
        interval_ns = interval_ns * 2 < CHECK_SLOW_NS ? interval_ns * 2 : CHECK_SLOW_NS;
    due_ns = signals_monotonic_ns() + interval_ns;
    pthread_mutex_unlock(&schedule_lock);
}

/* The timeout of the next wait, in whole milliseconds rounded up (a wait that ends a little before the
 * due time would come back with nothing to do); -1 when no check is scheduled. */
static int begin_wait(void)
{
    pthread_mutex_lock(&schedule_lock);
    sleeping_until_ns = due_ns;
    int64_t due = due_ns;
    pthread_mutex_unlock(&schedule_lock);
    if (due == INT64_MAX)
        return -1;
    int64_t left_ns = due - signals_monotonic_ns();
    if (left_ns <= 0)
        return 0;
    int64_t left_ms = (left_ns + 999999) / 1000000;
    return left_ms > INT_MAX ? INT_MAX : (int)left_ms;
}

static void end_wait(void)
{
    pthread_mutex_lock(&schedule_lock);
    sleeping_until_ns = NOT_WAITING;
    pthread_mutex_unlock(&schedule_lock);
}

int signals_read_wait_checked(signals_record *records, int max)
{
    if (records == NULL || max <= 0)
        return signals_fail(EINVAL);
    uint64_t wakes = signals_wakes_requested(); /* any wake from now on ends the call */
    for (;;) {
        int count = signals_channel_read_wait(records, max, begin_wait());
        end_wait();
        if (count != 0 || signals_wakes_requested() != wakes || !signals_channel_is_open())
            return count; /* records, an error, woken (a stop, signals_check_soon()) or shut down */
        if (!signals_check_due())
            return 0; /* ended before the check was due (not seen): the caller calls again */
        if (signals_tampered() != 0)
            return 0; /* the caller repairs, then calls signals_check_done() */
        signals_check_done(0);
    }
}

void signals_check_schedule_reset_after_fork(void)
{
    pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
    memcpy(&schedule_lock, &fresh, sizeof schedule_lock);
    sleeping_until_ns = NOT_WAITING;
}
