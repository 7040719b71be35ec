/* test_check_schedule.c — the dispatcher's wait (signals_read_wait_checked): clean tamper checks are done
 * inside it on a doubling schedule, and it returns for records, wakes and tampering only. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "util.h"

struct checked_read {
    int result;
    _Atomic int64_t returned_ms;   /* 0 while the reader is still waiting */
    signals_record record[4];
};

/* One call of the dispatcher's wait. */
static void *read_once(void *argument)
{
    struct checked_read *read = argument;
    read->result = signals_read_wait_checked(read->record, 4);
    atomic_store(&read->returned_ms, monotonic_ms());
    return NULL;
}

/* The dispatcher's loop, until a call returns because a check found tampering. */
static void *read_until_tampered(void *argument)
{
    struct checked_read *read = argument;
    do
        read->result = signals_read_wait_checked(read->record, 4);
    while (read->result != 0 || !signals_check_due());
    atomic_store(&read->returned_ms, monotonic_ms());
    return NULL;
}

/* Subscribes SIGUSR1 (a check is then due in 200 ms, as after a subscription change) and starts `body` on a
 * thread, as the dispatcher. */
static pthread_t subscribe_and_start_reader(struct checked_read *read, void *(*body)(void *))
{
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    signals_check_soon();
    pthread_t thread;
    CHECK_EQ(0, pthread_create(&thread, NULL, body, read));
    return thread;
}

TEST(checked_wait_does_clean_checks_itself_and_backs_off)
{
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    int64_t start_ms = monotonic_ms();
    signals_check_soon(); /* checks due at 0.2, 0.6, 1.4 and 3.0 s: the interval doubles after each clean one */
    struct checked_read read = {0};
    pthread_t thread;
    CHECK_EQ(0, pthread_create(&thread, NULL, read_once, &read));
    sleep_ms(1700);
    CHECK_EQ(0, atomic_load(&read.returned_ms)); /* three clean checks were done without returning */
    set_action(SIGUSR1, SIG_DFL);                 /* someone puts SIG_DFL over ours */
    CHECK_EQ(0, pthread_join(thread, NULL));
    CHECK_EQ(0, read.result);
    CHECK_EQ(1, signals_check_due());
    int64_t found_ms = atomic_load(&read.returned_ms) - start_ms;
    /* Found by the fourth check (3.0 s): the interval had grown to 1.6 s; it was not 200 ms (1.9 s) nor
     * did the wait miss the check (the next one after that is due at 6.2 s). */
    CHECK(found_ms >= 2900);
    CHECK(found_ms < 6000);
    /* The caller repairs and says so: the next check is within 200 ms again. */
    CHECK_EQ(0, signals_reinstall(SIGUSR1));
    signals_check_done(1);
    CHECK_EQ(0, signals_check_due());
    sleep_ms(250);
    CHECK_EQ(1, signals_check_due());
    CHECK_EQ(0, signals_restore(SIGUSR1));
}

TEST(check_soon_brings_a_distant_check_near)
{
    struct checked_read read = {0};
    pthread_t thread = subscribe_and_start_reader(&read, read_until_tampered);
    sleep_ms(3200); /* clean checks at 0.2, 0.6, 1.4 and 3.0 s; the next is due at 6.2 s */
    set_action(SIGUSR1, SIG_DFL);
    int64_t changed_ms = monotonic_ms();
    signals_check_soon(); /* what a subscription change does: it must wake the sleeping reader */
    CHECK_EQ(0, pthread_join(thread, NULL));
    CHECK(atomic_load(&read.returned_ms) - changed_ms < 2000); /* about 200 ms, not the 3 s left */
    CHECK_EQ(0, signals_reinstall(SIGUSR1));
    CHECK_EQ(0, signals_restore(SIGUSR1));
}

TEST(checked_wait_returns_records_and_wakes_at_once)
{
    struct checked_read read = {0};
    pthread_t thread = subscribe_and_start_reader(&read, read_once);
    int64_t sent_ms = monotonic_ms();
    CHECK_EQ(0, kill(getpid(), SIGUSR1));
    CHECK_EQ(0, pthread_join(thread, NULL));
    CHECK_EQ(1, read.result);
    CHECK_EQ(SIGUSR1, read.record[0].signo);
    CHECK(atomic_load(&read.returned_ms) - sent_ms < DEADLINE_MS);

    /* A wake (what a stop request writes) ends the wait with 0 and no check due. */
    sleep_ms(300); /* the check due at 200 ms is made as the next wait begins; the one after is 400 ms away */
    atomic_store(&read.returned_ms, 0);
    CHECK_EQ(0, pthread_create(&thread, NULL, read_once, &read));
    sleep_ms(50);
    CHECK_EQ(0, signals_wake());
    CHECK_EQ(0, pthread_join(thread, NULL));
    CHECK_EQ(0, read.result);
    CHECK_EQ(0, signals_check_due());
    CHECK_EQ(0, signals_restore(SIGUSR1));
}

/* The dispatcher's wait may be called once more after a shutdown (its stop flag is read after the call):
 * it must not open a new pipe then, which nobody would close (R8 found a pipe and a waker thread left
 * behind when a due check made the wait loop around after the close). */
TEST(checked_wait_never_opens_a_pipe)
{
    int before[256];
    int fds_before = open_fds(before, 256);
    struct checked_read read = {0};
    pthread_t thread = subscribe_and_start_reader(&read, read_once);
    sleep_ms(100);
    CHECK_EQ(0, signals_shutdown()); /* closes the pipe: the wait ends */
    CHECK_EQ(0, pthread_join(thread, NULL));
    CHECK_EQ(0, read.result);
    sleep_ms(300); /* a check is due now: the wait must still not loop into a new pipe */
    int64_t called_ms = monotonic_ms();
    CHECK_EQ(0, signals_read_wait_checked(read.record, 4));
    CHECK(monotonic_ms() - called_ms < 1000);
    int after[256];
    CHECK_EQ(fds_before, open_fds(after, 256));
    CHECK_EQ(0, memcmp(before, after, sizeof(int) * (size_t)fds_before));
}
