/* test_records.c — records never leave the process, and no handler can wedge the library (issue 18):
 * an outsider can neither open the wake channel nor turn bytes into records; stolen wake bytes lose no
 * record; a siglongjmp out of our handler at any instruction leaves nothing a later call waits on for ever;
 * the re-entry guard skips only the same delivery coming round again; a wait returns 0 only for a timeout,
 * a wake or a shutdown; no thread of the library keeps time. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "util.h"

/* The two descriptors signals_init() opened: [0] the read end, [1] the write end. */
static void channel_fds(int fds[2])
{
    int before[256], after[256];
    int before_count = open_fds(before, 256);
    CHECK_EQ(0, signals_init());
    int after_count = open_fds(after, 256);
    int found = 0;
    for (int i = 0; i < after_count; i++) {
        int known = 0;
        for (int j = 0; j < before_count; j++)
            known |= after[i] == before[j];
        if (!known && after[i] != signals_read_fd())
            fds[1] = after[i], found++;
    }
    CHECK_EQ(1, found);
    fds[0] = signals_read_fd();
}

/* --- rows 1 and 2: an outsider of the same uid ------------------------------------------------------ */

/* In another process, as a same-uid attacker would: open each descriptor through /proc/<pid>/fd. */
static int open_through_proc(void *argument)
{
    const int *fds = argument;
    pid_t parent = getppid();
    for (int i = 0; i < 2; i++) {
        static const int modes[] = {O_RDONLY, O_WRONLY, O_RDWR};
        for (int m = 0; m < 3; m++) {
            char path[64];
            snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)parent, fds[i]);
            int fd = open(path, modes[m]);
            if (fd >= 0 || errno != ENXIO)
                return 10 + i * 3 + m; /* a pipe would open here: the attack of row 1 */
        }
    }
    return 0;
}

TEST(outsider_cannot_open_the_wake_channel)
{
    int fds[2];
    channel_fds(fds);
    expect_exit(spawn(open_through_proc, fds), 0);
}

/* Even bytes that reach the channel (an outsider allowed to ptrace could pidfd_getfd it) are only wake-ups:
 * a record laid out as the handler's, claiming SI_USER from pid 1 uid 0, never becomes a delivery. */
TEST(bytes_in_the_channel_never_become_records)
{
    int fds[2];
    channel_fds(fds);
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    signals_record forged;
    memset(&forged, 0, sizeof forged);
    forged.signo = SIGUSR1;
    forged.code = SI_USER;
    forged.sender_pid = 1;
    forged.sender_uid = 0;
    CHECK_EQ((ssize_t)sizeof forged, write(fds[1], &forged, sizeof forged));
    CHECK_EQ(7, write(fds[1], "garbage", 7));
    signals_record records[8];
    CHECK_EQ(0, signals_read_wait(records, 8, 200)); /* woken, nothing to read: the wait goes on and times out */
    CHECK_EQ(0, kill(getpid(), SIGUSR1));
    signals_record record = collect_one(SIGUSR1);
    CHECK_EQ(getpid(), record.sender_pid);
    CHECK_EQ(getuid(), record.sender_uid);
    CHECK_EQ(0, signals_forged_records());
    CHECK_EQ(0, signals_restore(SIGUSR1));
}

struct thief {
    int fd;
    int is_socket;
    _Atomic uint64_t stolen;
};

/* The thief's own descriptor for the reader's: opened through /proc, as an outsider gets a pipe; a socket
 * cannot be opened there, so it takes a copy (as pidfd_getfd would give one allowed to). */
static void open_thief(struct thief *thief)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", signals_read_fd());
    thief->fd = open(path, O_RDONLY);
    if (thief->fd < 0) {
        CHECK_EQ(ENXIO, errno);
        thief->fd = dup(signals_read_fd());
        thief->is_socket = 1;
    }
    CHECK(thief->fd >= 0);
}

/* Sleeps in read(2) beside the reader, so it is woken as often as the reader is and takes what it can;
 * ended by pthread_cancel (read and recv are cancellation points). */
static void *steal_wake_bytes(void *argument)
{
    struct thief *thief = argument;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    char bytes[64];
    for (;;) {
        ssize_t got = thief->is_socket ? recv(thief->fd, bytes, sizeof bytes, 0) : read(thief->fd, bytes, sizeof bytes);
        if (got > 0)
            atomic_fetch_add(&thief->stolen, (uint64_t)got);
    }
    return NULL;
}

struct counting_reader {
    int expected;
    int poll_loop; /* 0: asleep in signals_read_wait(); 1: poll(2) on signals_read_fd(), then signals_read() */
    _Atomic uint64_t received;
};

/* Reads with short timeouts (50 ms) until every record came or the deadline; blocks every signal, so that
 * the main thread takes them and this one is asleep when they come. */
static void *count_records(void *argument)
{
    struct counting_reader *reader = argument;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    signals_record records[64];
    struct pollfd pollfd = {.fd = signals_read_fd(), .events = POLLIN};
    int64_t deadline = monotonic_ms() + DEADLINE_MS;
    while (atomic_load(&reader->received) < (uint64_t)reader->expected && monotonic_ms() < deadline) {
        int count = reader->poll_loop ? signals_read(records, 64) : signals_read_wait(records, 64, 50);
        CHECK(count >= 0);
        atomic_fetch_add(&reader->received, (uint64_t)count);
        if (reader->poll_loop && count == 0)
            (void)poll(&pollfd, 1, 50);
    }
    return NULL;
}

/* Row 2: a thief takes every byte it can from the reader's descriptor while 300 queued signals arrive 1 ms
 * apart and the reader sleeps between them; returns what it stole. Every delivery still reaches the reader,
 * exactly once. (0.1.0: 252 of 300.) */
static uint64_t steal_while_300_arrive(int poll_loop)
{
    int signo = SIGRTMIN + 3;
    CHECK_EQ(0, signals_install(signo, SIGNALS_POLICY_HANDLE));
    struct thief thief = {0};
    open_thief(&thief);
    const int sent = 300;
    struct counting_reader reader = {.expected = sent, .poll_loop = poll_loop};
    pthread_t thief_thread, reader_thread;
    CHECK_EQ(0, pthread_create(&thief_thread, NULL, steal_wake_bytes, &thief));
    CHECK_EQ(0, pthread_create(&reader_thread, NULL, count_records, &reader));
    for (int i = 0; i < sent; i++) {
        CHECK_EQ(0, signals_sigqueue(getpid(), signo, i));
        sleep_ms(1);
    }
    CHECK_EQ(0, pthread_join(reader_thread, NULL));
    CHECK_EQ(0, pthread_cancel(thief_thread));
    CHECK_EQ(0, pthread_join(thief_thread, NULL));
    close(thief.fd);
    CHECK_EQ(sent, atomic_load(&reader.received));
    expect_nothing_more();
    CHECK_EQ(0, signals_restore(signo));
    return atomic_load(&thief.stolen);
}

/* A reader asleep in signals_read_wait() is woken through memory (a futex): no byte travels, none to steal. */
TEST(stolen_wake_bytes_lose_no_record)
{
    CHECK_EQ(0, steal_while_300_arrive(0));
}

/* A C poll loop is woken by bytes on signals_read_fd(): the thief takes some, and a stolen byte at worst
 * delays the records behind it until the loop's own poll timeout. */
TEST(stolen_wake_bytes_lose_no_record_in_a_poll_loop)
{
    CHECK(steal_while_300_arrive(1) > 0); /* it did steal */
}

/* --- rows 3 and 4: siglongjmp out of our handler ----------------------------------------------------- */

static sigjmp_buf escape;
static _Atomic int escape_armed;
static _Atomic uint64_t escapes;

static void jumping_alarm(int signo)
{
    (void)signo;
    if (atomic_exchange(&escape_armed, 0)) { /* once per arming: an alarm during siglongjmp itself returns */
        atomic_fetch_add(&escapes, 1);
        siglongjmp(escape, 1);
    }
}

/* A foreign handler above ours, with a mask that lets SIGALRM in: it calls ours, so an alarm can land at
 * any instruction of ours and jump out of it. */
static struct sigaction below_foreign;
static _Atomic uint64_t foreign_returns;

/* Counts after the call, so the call is a real one (a tail call would reuse its frame): ours then runs on a
 * deeper frame than when the kernel calls it directly, as under any library's handler that does work after. */
static void foreign_calls_ours(int signo, siginfo_t *info, void *ucontext)
{
    below_foreign.sa_sigaction(signo, info, ucontext);
    atomic_fetch_add(&foreign_returns, 1);
}

static void *shutdown_thread(void *unused)
{
    (void)unused;
    signals_shutdown();
    return NULL;
}

/* Row 3: for two seconds, alarms every 20 µs jump out of whatever runs, while SIGUSR1 goes through the
 * foreign handler into ours; afterwards the shutdown returns at once (it waited for ever on a count left
 * raised), a new subscription records, and the reader skips what an abandoned handler reserved. */
TEST(siglongjmp_out_of_recording_never_wedges)
{
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_OBSERVE));
    struct sigaction foreign;
    memset(&foreign, 0, sizeof foreign);
    foreign.sa_sigaction = foreign_calls_ours;
    foreign.sa_flags = SA_SIGINFO | SA_NODEFER; /* nothing blocked: an alarm may land anywhere */
    CHECK_EQ(0, sigaction(SIGUSR1, &foreign, &below_foreign));
    struct sigaction alarm_action;
    memset(&alarm_action, 0, sizeof alarm_action);
    alarm_action.sa_handler = jumping_alarm; /* SIGALRM blocked while it runs (siglongjmp restores the mask) */
    CHECK_EQ(0, sigaction(SIGALRM, &alarm_action, NULL));
    struct itimerval fast = {{0, 20}, {0, 20}};
    CHECK_EQ(0, setitimer(ITIMER_REAL, &fast, NULL));
    int64_t until = monotonic_ms() + 2000;
    signals_record records[64];
    while (monotonic_ms() < until) {
        if (sigsetjmp(escape, 1) == 0) {
            atomic_store(&escape_armed, 1);
            for (int i = 0; i < 100; i++)
                raise(SIGUSR1);
        }
        atomic_store(&escape_armed, 0);
        (void)signals_read(records, 64);
    }
    struct itimerval off = {{0, 0}, {0, 0}};
    CHECK_EQ(0, setitimer(ITIMER_REAL, &off, NULL));
    atomic_store(&escape_armed, 0);
    CHECK(atomic_load(&escapes) > 0);

    pthread_t thread;
    CHECK_EQ(0, pthread_create(&thread, NULL, shutdown_thread, NULL));
    struct timespec limit;
    clock_gettime(CLOCK_REALTIME, &limit);
    limit.tv_sec += 5;
    CHECK_EQ(0, pthread_timedjoin_np(thread, NULL, &limit)); /* ETIMEDOUT: the shutdown hangs */

    /* The library works afterwards: a record behind a position an abandoned handler reserved arrives
     * within the retire bound (about 1 s), and counts stay exact. */
    while (signals_read(records, 64) > 0)
        ;
    CHECK_EQ(0, signals_install(SIGUSR2, SIGNALS_POLICY_HANDLE));
    CHECK_EQ(0, raise(SIGUSR2));
    int64_t deadline = monotonic_ms() + DEADLINE_MS;
    int found = 0;
    while (!found && monotonic_ms() < deadline) {
        int count = signals_read_wait(records, 64, 100);
        CHECK(count >= 0);
        for (int i = 0; i < count; i++)
            found |= records[i].signo == SIGUSR2 && records[i].coalesced == 0;
    }
    CHECK(found);
    CHECK_EQ(0, signals_shutdown());
}

/* Row 4: the previous handler jumps out of our chain once, leaving a guard entry behind. Later deliveries
 * that reach ours through a foreign handler at the same stack depth are new deliveries, each recorded and
 * chained (the old guard took them for the abandoned one coming round: 1 of 4 recorded). */
static sigjmp_buf previous_escape;
static _Atomic int previous_jumps;
static _Atomic uint64_t previous_calls;

static void previous_that_jumps_once(int signo)
{
    (void)signo;
    atomic_fetch_add(&previous_calls, 1);
    if (atomic_exchange(&previous_jumps, 0))
        siglongjmp(previous_escape, 1);
}

static void __attribute__((noinline)) raise_at_fixed_depth(int signo)
{
    CHECK_EQ(0, raise(signo));
}

TEST(guard_tells_new_deliveries_from_an_abandoned_one)
{
    set_action(SIGUSR1, previous_that_jumps_once);
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_OBSERVE));
    atomic_store(&previous_jumps, 1);
    if (sigsetjmp(previous_escape, 1) == 0)
        raise_at_fixed_depth(SIGUSR1); /* ours records, chains, and the previous jumps out of ours */
    CHECK_EQ(1, atomic_load(&previous_calls));
    collect_one(SIGUSR1);

    struct sigaction foreign;
    memset(&foreign, 0, sizeof foreign);
    foreign.sa_sigaction = foreign_calls_ours;
    foreign.sa_flags = SA_SIGINFO;
    CHECK_EQ(0, sigaction(SIGUSR1, &foreign, &below_foreign));
    for (uint64_t i = 1; i <= 4; i++) {
        raise_at_fixed_depth(SIGUSR1);
        collect_one(SIGUSR1);
        CHECK_EQ(1 + i, atomic_load(&previous_calls));
    }
    uint64_t delivered;
    CHECK_EQ(0, signals_counters(SIGUSR1, &delivered, NULL));
    CHECK_EQ(5, delivered);
}

/* --- rows 6 and 7: the reader's waits ---------------------------------------------------------------- */

/* Row 6: a wake left over from an earlier wait does not end the next one early: 0 means a timeout, a wake or
 * a shutdown. Two ways one is left: a wait that returned a record at once before its timeout came (0.1.0's
 * timekeeper then still woke the pipe at that time), and a wake byte a handler sent for a record that the
 * reader then took without sleeping. */
static void expect_full_wait(int timeout_ms)
{
    signals_record records[8];
    int64_t started = monotonic_ms();
    CHECK_EQ(0, signals_read_wait(records, 8, timeout_ms));
    CHECK(monotonic_ms() - started >= timeout_ms - 10);
}

TEST(leftover_wake_does_not_end_a_wait)
{
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    signals_record records[8];
    for (int i = 0; i < 3; i++) { /* signals flow */
        CHECK_EQ(0, raise(SIGUSR1));
        CHECK_EQ(1, signals_read_wait(records, 8, 10000));
    }
    CHECK_EQ(0, raise(SIGUSR1));
    CHECK_EQ(1, signals_read_wait(records, 8, 200)); /* at once, long before its 200 ms */
    sleep_ms(300);
    expect_full_wait(1000);

    CHECK_EQ(0, signals_read(records, 8)); /* empty: a poll loop's reader asks for a wake byte */
    CHECK_EQ(0, raise(SIGUSR1));            /* the record, and a wake byte */
    CHECK_EQ(1, signals_read_wait(records, 8, 1000)); /* takes the record at once, not the byte */
    expect_full_wait(1000);
    CHECK_EQ(0, signals_restore(SIGUSR1));
}

/* Threads of this process (/proc/self/task). */
static int count_threads(void)
{
    DIR *tasks = opendir("/proc/self/task");
    CHECK(tasks != NULL);
    int count = 0;
    for (struct dirent *entry; (entry = readdir(tasks)) != NULL;)
        count += entry->d_name[0] != '.';
    closedir(tasks);
    return count;
}

/* Row 7: timed waits keep their time with no thread of the library, while signals flow and after. */
TEST(timed_waits_start_no_thread)
{
    int threads_before = count_threads(); /* 1, or 2 under qemu-user (its own RCU thread) */
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    signals_record records[8];
    for (int i = 0; i < 5; i++) {
        CHECK_EQ(0, raise(SIGUSR1));
        CHECK_EQ(1, signals_read_wait(records, 8, 8000));
    }
    int64_t started = monotonic_ms();
    CHECK_EQ(0, signals_read_wait(records, 8, 300));
    int64_t waited = monotonic_ms() - started;
    CHECK(waited >= 290 && waited < 5000);
    CHECK_EQ(0, threads_named("signals-waker")); /* 0.1.0's timekeeper lingered for the timeout + 2 s */
    CHECK_EQ(threads_before, count_threads());
    CHECK_EQ(0, signals_restore(SIGUSR1));
}

/* --- signals_read_fd: a poll loop's descriptor, wake-only ------------------------------------------------ */

static int send_bursts(void *argument)
{
    int signo = *(int *)argument;
    for (int burst = 0; burst < 20; burst++) {
        for (int i = 0; i < 10; i++)
            if (signals_sigqueue(getppid(), signo, burst * 10 + i) != 0)
                return 1;
        sleep_ms(5);
    }
    return 0;
}

/* An event loop polls signals_read_fd() and reads until a read comes back short: every record arrives, in
 * order, though the descriptor itself never carries one (a read that finds the ring empty asks for a wake). */
TEST(poll_loop_on_read_fd_gets_every_record)
{
    int signo = SIGRTMIN + 5;
    CHECK_EQ(0, signals_install(signo, SIGNALS_POLICY_HANDLE));
    pid_t child = spawn(send_bursts, &signo);
    struct pollfd pollfd = {.fd = signals_read_fd(), .events = POLLIN};
    signals_record records[16];
    int64_t expected_value = 0;
    int64_t deadline = monotonic_ms() + DEADLINE_MS;
    while (expected_value < 200 && monotonic_ms() < deadline) {
        int count;
        while ((count = signals_read(records, 16)) > 0)
            for (int i = 0; i < count; i++) {
                CHECK_EQ(signo, records[i].signo);
                CHECK_EQ(expected_value, records[i].value);
                expected_value++;
            }
        CHECK_EQ(0, count);
        /* More records are on their way (the child sends them all within about 100 ms): a poll that times out
         * after 5 s is a record that never woke us. EINTR (the signal landed on this thread): look again. */
        if (expected_value < 200)
            CHECK(poll(&pollfd, 1, 5000) != 0);
    }
    CHECK_EQ(200, expected_value);
    expect_exit(child, 0);
    CHECK_EQ(0, signals_restore(signo));
}
