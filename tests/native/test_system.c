/* test_system.c — the system-call wrappers: names, the valid set, timers, masks and synchronous
 * waits, pending signals, waking the reader, and SIGCHLD. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "util.h"

static void check_name(int signo, const char *expected)
{
    char buffer[32];
    int length = signals_name(signo, buffer, sizeof buffer);
    if (length < 0 || strcmp(buffer, expected) != 0)
        fprintf(stderr, "signals_name(%d): expected %s, got %d \"%s\"\n", signo, expected, length,
                length < 0 ? "" : buffer);
    CHECK_EQ((int)strlen(expected), length);
    CHECK(strcmp(buffer, expected) == 0);
}

TEST(names_and_descriptions)
{
    int rtmin = signals_rtmin(), rtmax = signals_rtmax();
    CHECK_EQ(SIGRTMIN, rtmin);
    CHECK_EQ(SIGRTMAX, rtmax);
    check_name(SIGHUP, "SIGHUP");
    check_name(SIGINT, "SIGINT");
    check_name(SIGUSR1, "SIGUSR1");
    check_name(SIGCHLD, "SIGCHLD");
    check_name(SIGSYS, "SIGSYS");
    check_name(rtmin, "SIGRTMIN");
    check_name(rtmin + 1, "SIGRTMIN+1");
    check_name(rtmin + 2, "SIGRTMIN+2");
    check_name(rtmax - 1, "SIGRTMAX-1");
    check_name(rtmax, "SIGRTMAX");
    /* As bash's `kill -l`: SIGRTMIN+n up to the middle of the range, SIGRTMAX-n above it. */
    int middle = rtmin + (rtmax - rtmin) / 2;
    char expected[32];
    snprintf(expected, sizeof expected, "SIGRTMIN+%d", middle - rtmin);
    check_name(middle, expected);
    snprintf(expected, sizeof expected, "SIGRTMAX-%d", rtmax - middle - 1);
    check_name(middle + 1, expected);

    char buffer[32];
    CHECK_ERRNO(EINVAL, signals_name(32, buffer, sizeof buffer));
    CHECK_ERRNO(EINVAL, signals_name(33, buffer, sizeof buffer));
    CHECK_ERRNO(EINVAL, signals_name(0, buffer, sizeof buffer));
    CHECK_ERRNO(EINVAL, signals_name(-1, buffer, sizeof buffer));
    CHECK_ERRNO(EINVAL, signals_name(rtmax + 1, buffer, sizeof buffer));
    CHECK_ERRNO(EINVAL, signals_name(SIGUSR1, NULL, 32));
    CHECK_ERRNO(EINVAL, signals_name(SIGUSR1, buffer, 0));
    CHECK_ERRNO(ERANGE, signals_name(SIGUSR1, buffer, 7)); /* "SIGUSR1" needs 8 with the NUL */
    CHECK_EQ(7, signals_name(SIGUSR1, buffer, 8));

    CHECK(strcmp(signals_description(SIGUSR1), "User defined signal 1") == 0);
    CHECK(strcmp(signals_description(SIGINT), "Interrupt") == 0);
    CHECK(strcmp(signals_description(SIGKILL), "Killed") == 0);
    CHECK(strcmp(signals_description(rtmin), "Real-time signal 0") == 0);
    CHECK(strcmp(signals_description(rtmin + 2), "Real-time signal 2") == 0);
    snprintf(expected, sizeof expected, "Real-time signal %d", rtmax - rtmin);
    CHECK(strcmp(signals_description(rtmax), expected) == 0);
    errno = 0;
    CHECK(signals_description(32) == NULL);
    CHECK_EQ(EINVAL, errno);
    errno = 0;
    CHECK(signals_description(0) == NULL);
    CHECK_EQ(EINVAL, errno);
    errno = 0;
    CHECK(signals_description(rtmax + 1) == NULL);
    CHECK_EQ(EINVAL, errno);
}

TEST(valid_set_matches_system)
{
    uint64_t valid = signals_valid_set();
    CHECK(valid & SIGNAL_BIT(SIGKILL));
    CHECK(valid & SIGNAL_BIT(SIGSTOP));
    CHECK(!(valid & SIGNAL_BIT(32)));
    CHECK(!(valid & SIGNAL_BIT(33)));
    for (int signo = 1; signo <= 64; signo++) {
        int expected = signo < 32 || (signo >= SIGRTMIN && signo <= SIGRTMAX);
        CHECK_EQ(expected, (valid & SIGNAL_BIT(signo)) != 0);
        /* Every valid signal has a name; every other number has none. */
        char buffer[32];
        CHECK_EQ(expected, signals_name(signo, buffer, sizeof buffer) > 0);
    }
    CHECK_EQ(31 + (SIGRTMAX - SIGRTMIN + 1), __builtin_popcountll(valid));
}

/* --- timers -------------------------------------------------------------------------------------- */

TEST(itimer_real_records_sigalrm)
{
    CHECK_EQ(0, signals_install(SIGALRM, SIGNALS_POLICY_HANDLE));
    int64_t before = monotonic_ns();
    CHECK_EQ(0, signals_setitimer(ITIMER_REAL, 20000, 0, NULL, NULL));
    signals_record record = collect_one(SIGALRM);
    CHECK_EQ(SIGALRM, record.signo);
    CHECK_EQ(SI_KERNEL, record.code);
    CHECK_EQ(0, record.sender_pid);
    CHECK_EQ(0, record.sender_uid);
    CHECK_EQ(0, record.value);
    CHECK(record.timestamp_ns - before >= 19000000); /* not before the timer expired */
    int64_t value, interval;
    CHECK_EQ(0, signals_getitimer(ITIMER_REAL, &value, &interval));
    CHECK_EQ(0, value); /* one-shot: disarmed after firing */
    CHECK_EQ(0, interval);

    /* alarm(2) sends the same signal the same way. */
    CHECK_EQ(0, signals_alarm(1));
    record = collect_one(SIGALRM);
    CHECK_EQ(SI_KERNEL, record.code);
    CHECK_EQ(0, signals_restore(SIGALRM));
}

TEST(itimer_and_alarm_round_trip)
{
    /* Nothing here fires: the values are far in the future and disarmed before the test ends. */
    int64_t old_value = -1, old_interval = -1;
    CHECK_EQ(0, signals_setitimer(ITIMER_REAL, 10000000, 3000000, &old_value, &old_interval));
    CHECK_EQ(0, old_value);
    CHECK_EQ(0, old_interval);
    int64_t value, interval;
    CHECK_EQ(0, signals_getitimer(ITIMER_REAL, &value, &interval));
    CHECK(value > 0 && value <= 10000000);
    CHECK_EQ(3000000, interval);
    CHECK_EQ(0, signals_setitimer(ITIMER_REAL, 0, 0, &old_value, &old_interval));
    CHECK(old_value > 0 && old_value <= value);
    CHECK_EQ(3000000, old_interval);
    CHECK_EQ(0, signals_getitimer(ITIMER_REAL, &value, &interval));
    CHECK_EQ(0, value);

    /* alarm() uses the same ITIMER_REAL timer. */
    CHECK_EQ(0, signals_alarm(7));
    CHECK_EQ(0, signals_getitimer(ITIMER_REAL, &value, NULL));
    CHECK(value > 5000000 && value <= 7000000);
    uint32_t left = signals_alarm(0);
    CHECK(left >= 6 && left <= 7);
    CHECK_EQ(0, signals_alarm(0));

    CHECK_EQ(0, signals_setitimer(ITIMER_VIRTUAL, 5000000, 0, NULL, NULL));
    CHECK_EQ(0, signals_getitimer(ITIMER_VIRTUAL, &value, NULL));
    CHECK(value > 0 && value <= 5000000 + 20000); /* CPU-time timers are rounded up to a tick */
    CHECK_EQ(0, signals_setitimer(ITIMER_VIRTUAL, 0, 0, NULL, NULL));

    CHECK_ERRNO(EINVAL, signals_setitimer(ITIMER_REAL, -1, 0, NULL, NULL));
    CHECK_ERRNO(EINVAL, signals_setitimer(ITIMER_REAL, 0, -1, NULL, NULL));
    CHECK_ERRNO(EINVAL, signals_getitimer(99, &value, &interval));
}

/* --- masks, pending, synchronous waits -------------------------------------------------------------- */

TEST(wait_info_takes_blocked_signal)
{
    int signo = SIGRTMIN + 3; /* not installed: if it were delivered it would kill the process */
    uint64_t old_mask = 0;
    CHECK_EQ(0, signals_thread_mask(0, SIGNAL_BIT(signo), &old_mask));
    CHECK(!(old_mask & SIGNAL_BIT(signo)));
    CHECK_EQ(0, signals_sigqueue(getpid(), signo, 42));
    uint64_t pending = 0;
    CHECK_EQ(0, signals_pending(&pending));
    CHECK(pending & SIGNAL_BIT(signo));

    signals_record record;
    memset(&record, 0xff, sizeof record);
    CHECK_EQ(signo, signals_wait_info(SIGNAL_BIT(signo), (int64_t)DEADLINE_MS * 1000000, &record));
    CHECK_EQ(signo, record.signo);
    CHECK_EQ(SI_QUEUE, record.code);
    CHECK_EQ(getpid(), record.sender_pid);
    CHECK_EQ(getuid(), record.sender_uid);
    CHECK_EQ(42, record.value);
    CHECK_EQ(0, record.coalesced);
    CHECK_EQ(0, record.reserved);
    CHECK_EQ(0, signals_pending(&pending));
    CHECK(!(pending & SIGNAL_BIT(signo)));

    /* Queued signals are all kept, with their values, in order. */
    for (int i = 0; i < 3; i++)
        CHECK_EQ(0, signals_sigqueue(getpid(), signo, 100 + i));
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(signo, signals_wait_info(SIGNAL_BIT(signo), -1, &record)); /* sigwaitinfo */
        CHECK_EQ(100 + i, record.value);
    }
    expect_nothing_more(); /* the library's pipe saw none of this */
    uint64_t mask;
    CHECK_EQ(0, signals_thread_mask(1, SIGNAL_BIT(signo), &mask));
    CHECK(mask & SIGNAL_BIT(signo));
    CHECK_EQ(0, signals_thread_mask(2, old_mask, NULL));
    CHECK_EQ(0, signals_thread_mask(0, 0, &mask));
    CHECK_EQ(old_mask, mask);
    CHECK_ERRNO(EINVAL, signals_thread_mask(3, 0, NULL));
    CHECK_ERRNO(EINVAL, signals_thread_mask(-1, 0, NULL));
}

TEST(wait_info_times_out)
{
    int signo = SIGRTMIN + 4;
    CHECK_EQ(0, signals_thread_mask(0, SIGNAL_BIT(signo), NULL));
    signals_record record;
    int64_t start = monotonic_ns();
    CHECK_ERRNO(EAGAIN, signals_wait_info(SIGNAL_BIT(signo), 50000000, &record));
    CHECK(monotonic_ns() - start >= 45000000); /* it did wait (timer slack aside) */
    CHECK_ERRNO(EAGAIN, signals_wait_info(SIGNAL_BIT(signo), 0, &record)); /* a poll */
    CHECK_ERRNO(EINVAL, signals_wait_info(0, 0, &record));
}

TEST(pending_reports_blocked_signal)
{
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    uint64_t pending = ~UINT64_C(0);
    CHECK_EQ(0, signals_pending(&pending));
    CHECK_EQ(0, pending);
    CHECK_EQ(0, signals_thread_mask(0, SIGNAL_BIT(SIGUSR1), NULL));
    CHECK_EQ(0, raise(SIGUSR1));
    CHECK_EQ(0, raise(SIGUSR1)); /* a standard signal pending twice for a thread is pending once */
    CHECK_EQ(0, signals_pending(&pending));
    CHECK_EQ(SIGNAL_BIT(SIGUSR1), pending);
    /* A blocked signal is never delivered, so nothing can have been recorded yet. */
    expect_nothing_more();
    CHECK_EQ(0, signals_thread_mask(1, SIGNAL_BIT(SIGUSR1), NULL)); /* delivered now */
    signals_record record = collect_one(SIGUSR1);
    CHECK_EQ(SIGUSR1, record.signo);
    CHECK_EQ(0, signals_pending(&pending));
    CHECK_EQ(0, pending);
    CHECK_EQ(0, signals_restore(SIGUSR1));
}

/* --- wake ---------------------------------------------------------------------------------------- */

static void *wake_later(void *unused)
{
    (void)unused;
    sleep_ms(50); /* not needed for correctness: it only makes the wait below likely to be blocked */
    CHECK_EQ(0, signals_wake());
    return NULL;
}

TEST(wake_wakes_wait)
{
    CHECK_EQ(0, signals_init());
    /* From another thread, while this one waits. */
    pthread_t thread;
    CHECK_EQ(0, pthread_create(&thread, NULL, wake_later, NULL));
    int64_t start = monotonic_ms();
    CHECK_EQ(1, signals_wait(DEADLINE_MS));
    CHECK(monotonic_ms() - start < DEADLINE_MS);
    CHECK_EQ(0, pthread_join(thread, NULL));
    /* A wake is not a record; reading consumes it. */
    expect_nothing_more();
    /* 200 ms: nothing in this process writes the pipe now; a wake record that was not
     * consumed would make signals_wait return at once. */
    CHECK_EQ(0, signals_wait(200));

    /* Before the wait, from this thread: the wait returns at once. */
    CHECK_EQ(0, signals_wake());
    CHECK_EQ(1, signals_wait(DEADLINE_MS));
    expect_nothing_more();
    CHECK_EQ(0, signals_wait(0));
}

/* --- SIGCHLD ---------------------------------------------------------------------------------- */

static int exit_seven(void *unused)
{
    (void)unused;
    return 7;
}

TEST(sigchld_records_child_exit)
{
    CHECK_EQ(0, signals_install(SIGCHLD, SIGNALS_POLICY_HANDLE));
    pid_t child = spawn(exit_seven, NULL);
    signals_record record = collect_one(SIGCHLD);
    CHECK_EQ(SIGCHLD, record.signo);
    CHECK_EQ(CLD_EXITED, record.code);
    CHECK_EQ(child, record.sender_pid);
    CHECK_EQ(getuid(), record.sender_uid);
    CHECK_EQ(0, record.value);
    expect_exit(child, 7); /* reap only our own child */
    CHECK_EQ(0, signals_restore(SIGCHLD));
}
