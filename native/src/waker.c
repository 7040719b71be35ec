/*
 * waker.c — the alarm clock of a reader that sleeps in read(2) with a timeout to keep.
 *
 * Why it exists: on the 2-core virtual machines we measured, a reader woken from poll(2) costs the
 * process about twice the CPU of one woken from read(2), because the kernel wakes a poll(2) sleeper on
 * the other CPU while a read(2) sleeper runs on the writer's (bench/results/profile.md, "The reader's
 * sleep"). Yet the dispatcher needs a timeout (its periodic tamper check). So while signals flow,
 * signals_read_wait() sleeps in read(2) and this thread writes a wake record into the pipe when the
 * timeout is due; once they stop, the reader goes back to poll(2) and the thread ends: a process that gets
 * no signals keeps no thread here.
 *
 * One thread at most. It is started by the reader, inherits its signal mask (like every thread of the
 * library, it blocks nothing of its own), is named "signals-waker", and is joined by the close of the
 * pipe (signals_waker_stop), so none outlives a shutdown.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "signals.h"
#include "state.h"

/* How long the thread waits for a new due time after its last one before it ends. */
#define LINGER_NS INT64_C(2000000000)
/* A reader re-arms before every wait, with a due time computed from a timeout in whole milliseconds, so
 * it wobbles by a millisecond or so: the sleeping thread is woken only for a due time earlier than its
 * own by more than this (a wake up to this late is harmless: it ends a tamper-check wait). */
#define EARLIER_NS INT64_C(5000000)

/* ENDED: the thread ended on its own (no due time for LINGER_NS) and is joined by the next arm or stop, so
 * that a stop never returns while the thread may still run our code (a detached one could: R8 once saw a
 * waker in /proc right after Shutdown, though a joined thread can also linger there for a moment). */
enum waker_state { WAKER_NONE, WAKER_RUNNING, WAKER_ENDED };

static pthread_mutex_t waker_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t waker_cond;
static pthread_once_t cond_once = PTHREAD_ONCE_INIT;
static pthread_t waker_thread;        /* waker_lock */
static enum waker_state state;        /* waker_lock */
static int64_t due_ns;                /* waker_lock; CLOCK_MONOTONIC; 0: nothing to wake for */
static int stopping;                  /* waker_lock */

static void init_cond(void)
{
    pthread_condattr_t attributes;
    pthread_condattr_init(&attributes);
    pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC); /* due times are monotonic */
    pthread_cond_init(&waker_cond, &attributes);
    pthread_condattr_destroy(&attributes);
}

/* Called with waker_lock held; returns with it held. */
static void wait_until_locked(int64_t deadline_ns)
{
    struct timespec deadline = {(time_t)(deadline_ns / 1000000000), (long)(deadline_ns % 1000000000)};
    (void)pthread_cond_timedwait(&waker_cond, &waker_lock, &deadline);
}

static void *waker_main(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&waker_lock);
    int64_t idle_since = signals_monotonic_ns();
    while (!stopping) {
        int64_t now = signals_monotonic_ns();
        if (due_ns == 0) {
            if (now - idle_since >= LINGER_NS)
                break;
            wait_until_locked(idle_since + LINGER_NS);
        } else if (now < due_ns) {
            wait_until_locked(due_ns);
        } else {
            due_ns = 0;
            idle_since = now;
            pthread_mutex_unlock(&waker_lock);
            (void)signals_pipe_wake_on_time(); /* EBADF after a close: nobody to wake */
            pthread_mutex_lock(&waker_lock);
        }
    }
    if (!stopping)
        state = WAKER_ENDED; /* ending on its own: joined by the next arm or stop */
    pthread_mutex_unlock(&waker_lock);
    return NULL;
}

/* Called with waker_lock held: reaps a thread that ended on its own. It no longer needs the lock, so
 * joining it here cannot deadlock. */
static void join_ended_locked(void)
{
    if (state == WAKER_ENDED) {
        pthread_join(waker_thread, NULL);
        state = WAKER_NONE;
    }
}

int signals_waker_arm(int64_t at_ns)
{
    pthread_once(&cond_once, init_cond);
    pthread_mutex_lock(&waker_lock);
    /* After the close has unpublished the write end (and stopped us, or is about to): no new thread. */
    if (atomic_load(&signals_record_fd) < 0 || stopping) {
        pthread_mutex_unlock(&waker_lock);
        return signals_fail(EBADF);
    }
    join_ended_locked();
    int earlier = due_ns == 0 || at_ns < due_ns - EARLIER_NS;
    due_ns = at_ns;
    if (state == WAKER_NONE) {
        int error = pthread_create(&waker_thread, NULL, waker_main, NULL);
        if (error != 0) {
            due_ns = 0;
            pthread_mutex_unlock(&waker_lock);
            return signals_fail(error);
        }
        state = WAKER_RUNNING;
        (void)pthread_setname_np(waker_thread, "signals-waker"); /* here, so it has its name at once */
    } else if (earlier) {
        pthread_cond_signal(&waker_cond);
    }
    pthread_mutex_unlock(&waker_lock);
    return 0;
}

void signals_waker_stop(void)
{
    pthread_once(&cond_once, init_cond);
    pthread_mutex_lock(&waker_lock);
    join_ended_locked();
    if (state == WAKER_NONE) {
        pthread_mutex_unlock(&waker_lock);
        return;
    }
    stopping = 1;
    pthread_cond_signal(&waker_cond);
    pthread_t thread = waker_thread;
    pthread_mutex_unlock(&waker_lock);
    pthread_join(thread, NULL);
    pthread_mutex_lock(&waker_lock);
    state = WAKER_NONE;
    due_ns = 0;
    stopping = 0;
    pthread_mutex_unlock(&waker_lock);
}

void signals_waker_reset_after_fork(void)
{
    /* The parent's waker does not exist here, and a lock it held would never be released. */
    pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
    memcpy(&waker_lock, &fresh, sizeof waker_lock);
    pthread_once(&cond_once, init_cond);
    init_cond();
    state = WAKER_NONE;
    due_ns = 0;
    stopping = 0;
}
