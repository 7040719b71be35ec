/* test_delivery.c — real signals in, records out: what each record says about its sender, exact
 * counts under a real-time flood and when the pipe overflows, and errno across the handler. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include "harness.h"
#include "util.h"

static void check_sender_is_self(const signals_record *record, int signo, int code, int64_t sent_after_ns)
{
    CHECK_EQ(signo, record->signo);
    CHECK_EQ(code, record->code);
    CHECK_EQ(getpid(), record->sender_pid);
    CHECK_EQ(getuid(), record->sender_uid);
    CHECK_EQ(0, record->value); /* kill/tgkill carry no value */
    CHECK_EQ(0, record->coalesced);
    CHECK_EQ(SIGNALS_RECORD_HANDLED, record->reserved); /* every caller subscribed with HANDLE */
    CHECK(record->timestamp_ns >= sent_after_ns && record->timestamp_ns <= monotonic_ns());
}

static void check_counters(int signo, uint64_t delivered, uint64_t overflowed)
{
    uint64_t d = 99, o = 99;
    CHECK_EQ(0, signals_counters(signo, &d, &o));
    CHECK_EQ(delivered, d);
    CHECK_EQ(overflowed, o);
}

TEST(kill_self_records_si_user)
{
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    int64_t before = monotonic_ns();
    CHECK_EQ(0, kill(getpid(), SIGUSR1));
    signals_record record = collect_one(SIGUSR1);
    check_sender_is_self(&record, SIGUSR1, SI_USER, before);
    check_counters(SIGUSR1, 1, 0);
    CHECK_EQ(0, signals_restore(SIGUSR1));
}

TEST(raise_records_si_tkill)
{
    CHECK_EQ(0, signals_install(SIGUSR2, SIGNALS_POLICY_HANDLE));
    int64_t before = monotonic_ns();
    CHECK_EQ(0, raise(SIGUSR2));
    signals_record record = collect_one(SIGUSR2);
    check_sender_is_self(&record, SIGUSR2, SI_TKILL, before);
    check_counters(SIGUSR2, 1, 0);
    CHECK_EQ(0, signals_restore(SIGUSR2));
}

/* The library's own senders: signals_kill, signals_raise, signals_pthread_kill, signals_thread_kill. */
TEST(library_senders_record_their_codes)
{
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    int64_t before = monotonic_ns();
    CHECK_EQ(0, signals_kill(signals_getpid(), SIGUSR1));
    signals_record record = collect_one(SIGUSR1);
    check_sender_is_self(&record, SIGUSR1, SI_USER, before);
    CHECK_EQ(0, signals_raise(SIGUSR1));
    record = collect_one(SIGUSR1);
    check_sender_is_self(&record, SIGUSR1, SI_TKILL, before);
    CHECK_EQ(0, signals_pthread_kill(signals_thread_self(), SIGUSR1));
    record = collect_one(SIGUSR1);
    check_sender_is_self(&record, SIGUSR1, SI_TKILL, before);
    CHECK_EQ(0, signals_thread_kill(signals_thread_id(), SIGUSR1));
    record = collect_one(SIGUSR1);
    check_sender_is_self(&record, SIGUSR1, SI_TKILL, before);
    CHECK_EQ(0, signals_sigqueue(signals_getpid(), SIGUSR1, -5));
    record = collect_one(SIGUSR1);
    CHECK_EQ(SI_QUEUE, record.code);
    CHECK_EQ(-5, record.value);
    check_counters(SIGUSR1, 5, 0);
    /* Signal 0 only checks that the target exists: nothing is delivered. */
    CHECK_EQ(0, signals_kill(signals_getpid(), 0));
    expect_nothing_more();
    CHECK_ERRNO(EINVAL, signals_kill(signals_getpid(), 65));
    CHECK_ERRNO(EINVAL, signals_sigqueue(signals_getpid(), -1, 0));
    CHECK_ERRNO(EINVAL, signals_raise(0));
    CHECK_EQ(signals_getpid(), getpid());
    CHECK_EQ(signals_getuid(), getuid());
    CHECK_EQ(0, signals_restore(SIGUSR1));
}

#define QUEUED_VALUE INT64_C(0x123456789abcdef0)

static int send_queued_to_parent(void *argument)
{
    pid_t parent = *(pid_t *)argument;
    union sigval value = {.sival_ptr = (void *)(intptr_t)QUEUED_VALUE};
    return sigqueue(parent, SIGUSR1, value) == 0 ? 0 : 10 + errno;
}

TEST(sigqueue_from_child_records_sender_and_value)
{
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    pid_t parent = getpid();
    pid_t child = spawn(send_queued_to_parent, &parent);
    signals_record record = collect_one(SIGUSR1);
    expect_exit(child, 0);
    CHECK_EQ(SIGUSR1, record.signo);
    CHECK_EQ(SI_QUEUE, record.code);
    CHECK_EQ(child, record.sender_pid);
    CHECK_EQ(getuid(), record.sender_uid);
    CHECK(record.value == QUEUED_VALUE); /* all 64 bits of sival_ptr */
    CHECK_EQ(0, record.coalesced);
    check_counters(SIGUSR1, 1, 0);
    CHECK_EQ(0, signals_restore(SIGUSR1));
}

/* --- the real-time flood ------------------------------------------------------------------------ */

enum { FLOOD_SENDERS = 2, FLOOD_PER_SENDER = 50000, FLOOD_TOTAL = FLOOD_SENDERS * FLOOD_PER_SENDER };

struct flood_sender {
    pid_t receiver;
    int signo;
    int index;
    int go_fd;       /* read end of a pipe whose write end the receiver closes when it starts reading */
    int go_write_fd; /* that write end, inherited: the sender closes its copy so that EOF can come */
};

/* Sends FLOOD_PER_SENDER real-time signals, value = index << 32 | sequence. When the receiver's queue
 * of pending signals is full (RLIMIT_SIGPENDING), sigqueue fails with EAGAIN and nothing was sent:
 * retry after letting the receiver run. */
static int flood(void *argument)
{
    const struct flood_sender *sender = argument;
    char go;
    close(sender->go_write_fd);
    if (read(sender->go_fd, &go, 1) != 0) /* EOF: the receiver is ready */
        return 20;
    for (int64_t sequence = 0; sequence < FLOOD_PER_SENDER; sequence++) {
        union sigval value = {.sival_ptr = (void *)(intptr_t)(((int64_t)sender->index << 32) | sequence)};
        while (sigqueue(sender->receiver, sender->signo, value) != 0) {
            if (errno != EAGAIN)
                return 21;
            sched_yield();
        }
    }
    return 0;
}

TEST(realtime_flood_exact_counts)
{
    int signo = SIGRTMIN + 1;
    CHECK_EQ(0, signals_install(signo, SIGNALS_POLICY_HANDLE));
    int go[2];
    CHECK_EQ(0, pipe(go));
    pid_t children[FLOOD_SENDERS];
    for (int i = 0; i < FLOOD_SENDERS; i++) {
        struct flood_sender sender = {.receiver = getpid(), .signo = signo, .index = i, .go_fd = go[0], .go_write_fd = go[1]};
        children[i] = spawn(flood, &sender);
    }
    close(go[0]);
    close(go[1]); /* go */

    /* Read while they send. Each sender's signals are queued, delivered and recorded in order, so the
     * values of its ordinary records must increase (coalesced deliveries carry no value). */
    static signals_record records[1024];
    int64_t last[FLOOD_SENDERS];
    for (int i = 0; i < FLOOD_SENDERS; i++)
        last[i] = -1;
    uint64_t read_total = 0, ordinary = 0, coalesced = 0, coalesced_records = 0;
    int64_t deadline = monotonic_ms() + DEADLINE_MS;
    while (read_total < FLOOD_TOTAL) {
        int64_t left = deadline - monotonic_ms();
        if (left <= 0) {
            fprintf(stderr, "timed out: read %llu of %d deliveries\n", (unsigned long long)read_total,
                    FLOOD_TOTAL);
            exit(1);
        }
        CHECK(signals_wait((int)left) >= 0);
        int count = signals_read(records, 1024);
        CHECK(count >= 0);
        for (int i = 0; i < count; i++) {
            CHECK_EQ(signo, records[i].signo);
            if (records[i].coalesced > 0) {
                CHECK_EQ(SIGNALS_CODE_COALESCED, records[i].code);
                coalesced += records[i].coalesced;
                coalesced_records++;
                read_total += records[i].coalesced;
                continue;
            }
            CHECK_EQ(SI_QUEUE, records[i].code);
            int index = (int)(records[i].value >> 32);
            int64_t sequence = records[i].value & 0xffffffff;
            CHECK(index >= 0 && index < FLOOD_SENDERS);
            CHECK_EQ(children[index], records[i].sender_pid);
            CHECK(sequence > last[index] && sequence < FLOOD_PER_SENDER);
            last[index] = sequence;
            ordinary++;
            read_total++;
        }
    }
    for (int i = 0; i < FLOOD_SENDERS; i++)
        expect_exit(children[i], 0);
    fprintf(stderr, "flood: %llu ordinary records, %llu coalesced deliveries in %llu records\n",
            (unsigned long long)ordinary, (unsigned long long)coalesced, (unsigned long long)coalesced_records);
    CHECK_EQ(FLOOD_TOTAL, read_total);
    CHECK_EQ(FLOOD_TOTAL, ordinary + coalesced);
    check_counters(signo, FLOOD_TOTAL, coalesced);
    /* Every signal sent is accounted for and the senders have exited: nothing can still arrive. */
    expect_nothing_more();
    CHECK_EQ(0, signals_restore(signo));
}

/* --- overflow ------------------------------------------------------------------------------------ */

/* Sends `count` real-time signals to this single-threaded process with kill(); each is delivered (and
 * recorded or counted as overflowed) before kill returns. kill rather than sigqueue: ThreadSanitizer
 * runs the handler of a signal a thread sends itself with kill at once, but defers one sent with
 * sigqueue and keeps only one deferred delivery per signal number. */
static void kill_self(int signo, int count)
{
    for (int i = 0; i < count; i++) {
        while (kill(getpid(), signo) != 0) {
            CHECK_EQ(EAGAIN, errno); /* the queue of pending signals is full (RLIMIT_SIGPENDING) */
            sched_yield();
        }
    }
}

/* Waits (toward DEADLINE_MS) until the handler has counted `delivered` deliveries of signo. */
static void wait_delivered(int signo, uint64_t delivered)
{
    int64_t deadline = monotonic_ms() + DEADLINE_MS;
    for (;;) {
        uint64_t d;
        CHECK_EQ(0, signals_counters(signo, &d, NULL));
        if (d == delivered)
            return;
        CHECK(d < delivered);
        CHECK(monotonic_ms() < deadline);
        sleep_ms(1);
    }
}

TEST(overflow_coalesces_exact_counts)
{
    int signo = SIGRTMIN + 2;
    CHECK_EQ(0, signals_install(signo, SIGNALS_POLICY_HANDLE));
    int capacity = signals_pipe_capacity();
    CHECK(capacity > 0);
    int sent = capacity + 5000;
    /* The reader is paused: nothing is read until every delivery has been handled. */
    kill_self(signo, sent);
    wait_delivered(signo, (uint64_t)sent);
    uint64_t delivered, overflowed;
    CHECK_EQ(0, signals_counters(signo, &delivered, &overflowed));
    CHECK_EQ(sent, delivered);
    /* signals_pipe_capacity() is exact: the first `capacity` deliveries fit, the rest overflowed. */
    CHECK_EQ(sent - capacity, overflowed);

    struct collected got;
    drain_all(&got);
    CHECK_EQ(sent, got.deliveries);
    CHECK_EQ(capacity, got.records);
    CHECK_EQ(overflowed, got.coalesced);
    CHECK(got.coalesced_records >= 1);
    for (int i = 0; i < got.stored; i++) {
        CHECK_EQ(signo, got.record[i].signo);
        CHECK_EQ(SI_USER, got.record[i].code);
        CHECK_EQ(getpid(), got.record[i].sender_pid);
    }

    /* The drained pipe takes ordinary records again; the coalesced record is reported once. */
    kill_self(signo, 1);
    signals_record record = collect_one(signo);
    CHECK_EQ(SI_USER, record.code);
    check_counters(signo, (uint64_t)sent + 1, overflowed);
    CHECK_EQ(0, signals_restore(signo));
}

/* A coalesced record looks like this: code SIGNALS_CODE_COALESCED, no sender, no value; flagged HANDLED when its
 * deliveries came under HANDLE (kept from the previous action: a reader that finds no subscriber hands it on). */
static void check_overflow_record(int policy)
{
    int signo = SIGRTMIN + 5;
    CHECK_EQ(0, signals_install(signo, policy));
    int capacity = signals_pipe_capacity();
    kill_self(signo, capacity + 3);
    wait_delivered(signo, (uint64_t)capacity + 3);
    static signals_record records[1024];
    int total = 0, count;
    int64_t before = monotonic_ns();
    while ((count = signals_read(records, 1024)) > 0) {
        for (int i = 0; i < count; i++, total++) {
            if (total < capacity) {
                CHECK_EQ(0, records[i].coalesced);
                continue;
            }
            CHECK_EQ(capacity, total); /* exactly one coalesced record, after the ordinary ones */
            CHECK_EQ(signo, records[i].signo);
            CHECK_EQ(SIGNALS_CODE_COALESCED, records[i].code);
            CHECK_EQ(3, records[i].coalesced);
            CHECK_EQ(0, records[i].sender_pid);
            CHECK_EQ(0, records[i].sender_uid);
            CHECK_EQ(0, records[i].value);
            CHECK_EQ(policy == SIGNALS_POLICY_HANDLE ? SIGNALS_RECORD_HANDLED : 0u, records[i].reserved);
            CHECK(records[i].timestamp_ns >= before);
        }
    }
    CHECK_EQ(0, count);
    CHECK_EQ(capacity + 1, total);
    CHECK_EQ(0, signals_restore(signo));
}

TEST(overflow_record_fields)
{
    check_overflow_record(SIGNALS_POLICY_HANDLE);
}

/* OBSERVE: the previous action (SIG_DFL here: nothing to call) was not kept from anything. */
TEST(overflow_record_fields_under_observe)
{
    check_overflow_record(SIGNALS_POLICY_OBSERVE);
}

/* --- errno --------------------------------------------------------------------------------------- */

#define SENTINEL_ERRNO 12345

TEST(errno_preserved_by_handler)
{
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    errno = SENTINEL_ERRNO;
    raise(SIGUSR1); /* the handler runs before raise returns; raise does not touch errno on success */
    CHECK_EQ(SENTINEL_ERRNO, errno);
    collect_one(SIGUSR1);
    CHECK_EQ(0, signals_restore(SIGUSR1));
}

/* With the pipe full the handler's write fails with EAGAIN; errno must still come back unchanged. */
TEST(errno_preserved_when_pipe_full)
{
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    int signo = SIGRTMIN + 3;
    CHECK_EQ(0, signals_install(signo, SIGNALS_POLICY_HANDLE));
    int capacity = signals_pipe_capacity();
    kill_self(signo, capacity);
    wait_delivered(signo, (uint64_t)capacity);
    uint64_t overflowed;
    CHECK_EQ(0, signals_counters(signo, NULL, &overflowed));
    CHECK_EQ(0, overflowed); /* full to the last record */

    errno = SENTINEL_ERRNO;
    raise(SIGUSR1);
    CHECK_EQ(SENTINEL_ERRNO, errno);
    check_counters(SIGUSR1, 1, 1); /* it really took the EAGAIN path */

    struct collected got;
    drain_all(&got);
    CHECK_EQ((uint64_t)capacity + 1, got.deliveries);
    CHECK_EQ(1, got.coalesced);
    CHECK_EQ(0, signals_restore(SIGUSR1));
    CHECK_EQ(0, signals_restore(signo));
}

/* OBSERVE: the previous handler sees the interrupted code's errno and may clobber it; the code that
 * was interrupted still gets its own errno back. */
TEST(errno_preserved_across_chained_handler)
{
    set_foreign_siginfo(SIGUSR1);
    atomic_store(&foreign_clobbers_errno, 1);
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_OBSERVE));
    errno = SENTINEL_ERRNO;
    raise(SIGUSR1);
    CHECK_EQ(SENTINEL_ERRNO, errno);
    CHECK_EQ(1, atomic_load(&foreign_calls));
#ifndef __SANITIZE_THREAD__ /* TSan's own signal wrapper sets errno to 99 around every handler it runs */
    CHECK_EQ(SENTINEL_ERRNO, atomic_load(&foreign_errno_on_entry));
#endif
    collect_one(SIGUSR1);
    CHECK_EQ(0, signals_restore(SIGUSR1));
}
