/* test_reader.c — the blocking reader: signals_read_wait() sleeps (a futex) until a record, a wake,
 * a timeout or a shutdown, and reports overflow without needing another delivery to wake it. */
#define _GNU_SOURCE /* pthread_timedjoin_np */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "util.h"

struct blocked_read {
    int timeout_ms;
    int result;
    int64_t started_ns;
    int64_t returned_ns;
    signals_record records[8];
};

static void *read_wait_thread(void *argument)
{
    struct blocked_read *read = argument;
    /* Only the main thread takes process-directed signals, so this one stays blocked in read(2). */
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    read->started_ns = monotonic_ns();
    read->result = signals_read_wait(read->records, 8, read->timeout_ms);
    read->returned_ns = monotonic_ns();
    return NULL;
}

/* Starts a reader thread and gives it time to block: 100 ms is ample for a thread to reach read(2);
 * if it has not yet, the tests below still hold (the record or wake is waiting for it). */
static pthread_t start_reader(struct blocked_read *read, int timeout_ms)
{
    read->timeout_ms = timeout_ms;
    pthread_t thread;
    CHECK_EQ(0, pthread_create(&thread, NULL, read_wait_thread, read));
    sleep_ms(100);
    return thread;
}

TEST(read_wait_blocks_until_delivery)
{
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    struct blocked_read read = {0};
    pthread_t thread = start_reader(&read, -1);
    int64_t sent_ns = monotonic_ns();
    CHECK_EQ(0, kill(getpid(), SIGUSR1));
    CHECK_EQ(0, pthread_join(thread, NULL));
    CHECK_EQ(1, read.result);
    CHECK_EQ(SIGUSR1, read.records[0].signo);
    CHECK_EQ(getpid(), read.records[0].sender_pid);
    CHECK(read.returned_ns >= sent_ns); /* it returned for this delivery, not before */
    CHECK_EQ(0, signals_restore(SIGUSR1));
}

TEST(read_wait_times_out)
{
    CHECK_EQ(0, signals_init());
    signals_record record;
    int64_t start = monotonic_ms();
    CHECK_EQ(0, signals_read_wait(&record, 1, 200));
    CHECK(monotonic_ms() - start >= 190); /* poll's timeout, give or take clock granularity */
    CHECK_EQ(0, signals_read_wait(&record, 1, 0));
    CHECK_ERRNO(EINVAL, signals_read_wait(NULL, 1, 0));
    CHECK_ERRNO(EINVAL, signals_read_wait(&record, 0, 0));
}

TEST(wake_unblocks_blocked_reader)
{
    CHECK_EQ(0, signals_init());
    struct blocked_read read = {0};
    pthread_t thread = start_reader(&read, -1);
    int64_t woke_ns = monotonic_ns();
    CHECK_EQ(0, signals_wake());
    CHECK_EQ(0, pthread_join(thread, NULL));
    CHECK_EQ(0, read.result); /* a wake is not a record */
    CHECK(read.returned_ns >= woke_ns);
    expect_nothing_more();
}

TEST(shutdown_ends_blocked_reader)
{
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    struct blocked_read read = {0};
    pthread_t thread = start_reader(&read, -1);
    CHECK_EQ(0, signals_shutdown()); /* closing the write end ends the read with end-of-file */
    CHECK_EQ(0, pthread_join(thread, NULL));
    CHECK_EQ(0, read.result);
    CHECK_EQ(SIGNALS_DISPOSITION_DEFAULT, signals_disposition(SIGUSR1));
}

/* The ring overflows while nobody reads; then a reader that only ever blocks in read(2) must still
 * get every delivery, coalesced ones included, although no further signal arrives to wake it. */
static void overflow_reaches_blocking_reader(int buffer_records)
{
    int signo = SIGRTMIN + 4;
    CHECK_EQ(0, signals_install(signo, SIGNALS_POLICY_HANDLE));
    int capacity = signals_pipe_capacity();
    int sent = capacity + 10;
    for (int i = 0; i < sent; i++)
        CHECK_EQ(0, kill(getpid(), signo)); /* to this single-threaded process: delivered before kill returns */
    uint64_t overflowed;
    CHECK_EQ(0, signals_counters(signo, NULL, &overflowed));
    CHECK_EQ(10, overflowed);
    static signals_record records[1000];
    CHECK(buffer_records <= 1000);
    uint64_t deliveries = 0;
    int64_t deadline = monotonic_ms() + DEADLINE_MS;
    while (deliveries < (uint64_t)sent) {
        CHECK(monotonic_ms() < deadline);
        int count = signals_read_wait(records, buffer_records, -1);
        CHECK(count > 0); /* never a spurious empty return here: nobody wakes or shuts down */
        for (int i = 0; i < count; i++) {
            CHECK_EQ(signo, records[i].signo);
            deliveries += records[i].code == SIGNALS_CODE_COALESCED ? records[i].coalesced : 1;
        }
    }
    CHECK_EQ(sent, deliveries);
    CHECK_EQ(0, signals_restore(signo));
}

TEST(overflow_reaches_blocking_reader_without_further_signals)
{
    overflow_reaches_blocking_reader(1000); /* the last read of the pipe's records is a short one */
}

/* 128 divides the ring's capacity: every read is full, the ring drains on a full read, and only the
 * pending-overflow check keeps the next read from sleeping forever. */
TEST(overflow_reaches_blocking_reader_when_reads_fill_the_buffer_exactly)
{
    CHECK_EQ(0, signals_pipe_capacity() % 128);
    overflow_reaches_blocking_reader(128);
}

TEST(reader_spin_setting)
{
    CHECK_ERRNO(EINVAL, signals_set_reader_spin(-1));
    CHECK_ERRNO(EINVAL, signals_set_reader_spin(1000001));
    /* Without the spin the reader goes straight to read(2) and still gets every record. */
    CHECK_EQ(0, signals_set_reader_spin(0));
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    struct blocked_read read = {0};
    pthread_t thread = start_reader(&read, -1);
    CHECK_EQ(0, kill(getpid(), SIGUSR1));
    CHECK_EQ(0, pthread_join(thread, NULL));
    CHECK_EQ(1, read.result);
    CHECK_EQ(SIGUSR1, read.records[0].signo);
    /* With a 1 s spin, a record that arrives during it ends the spin at once: the reader returns long
     * before the spin would have run out (it would return after it, too, but only then). */
    CHECK_EQ(0, signals_set_reader_spin(1000000));
    thread = start_reader(&read, -1);
    int64_t sent_ns = monotonic_ns();
    CHECK_EQ(0, kill(getpid(), SIGUSR1));
    CHECK_EQ(0, pthread_join(thread, NULL));
    CHECK_EQ(1, read.result);
    CHECK(read.returned_ns - sent_ns < 500 * 1000000LL);
    CHECK_EQ(0, signals_set_reader_spin(50));
    CHECK_EQ(0, signals_restore(SIGUSR1));
}
