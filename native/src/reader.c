/*
 * reader.c — the reader side of the ring, and the wake channel's lifetime (docs/design.md, "The path of one
 * signal"). The wake channel is a socket pair, not a pipe: a same-uid process can open a pipe through
 * /proc/<pid>/fd, but not a socket (ENXIO); and a byte carries nothing, it only wakes the reader. So nothing
 * outside the process can forge, read or take a record, and Shutdown waits for nothing another process does.
 *
 * The reader (one at a time, read_lock) drains the ring; to sleep, it reads the futex word `signals_wake_word`,
 * arms (`signals_reader_armed`), looks at the ring once more, and sleeps in futex(2) while the word is unchanged
 * (a relative, monotonic timeout): no descriptor takes part in a delivery to it. A busy reader is not armed, so a
 * flood costs the handlers no system call. (The socket is for C poll loops on signals_read_fd(); sleeping in
 * recv(2) on it cost an isolated delivery about 20 µs more than a futex: bench/results/profile.md.) A position
 * reserved and never published (its handler abandoned by a siglongjmp, or very slow) holds up the records behind
 * it: the reader comes back every STUCK_POLL_MS and after STUCK_RETIRE_NS retires the cell; a slow handler's
 * publish then fails and counts as overflowed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "state.h"

struct signals_ring_cell signals_ring[SIGNALS_RING_RECORDS];
_Atomic uint64_t signals_ring_tail;
_Atomic uint64_t signals_overflow_total;
_Atomic int signals_reader_armed;
_Atomic uint32_t signals_wake_word;
_Atomic int signals_wake_fd = -1;
_Atomic int signals_wake_users;
_Atomic(_Atomic uint32_t *) signals_owner_mark;
_Atomic pid_t signals_owner_pid;

#define STUCK_POLL_MS 10
#define STUCK_RETIRE_NS INT64_C(1000000000)
/* How long close waits for a handler that is sending a wake byte. One that is still counted after this was
 * abandoned by a siglongjmp (or is stalled): its descriptor is left open, never closed under it. */
#define CLOSE_WAIT_NS INT64_C(100000000)

/* Lock order: core.c's lock, then channel_lock, then read_lock. The reader takes channel_lock only briefly
 * and never while holding read_lock, so a reader asleep never holds up an install. */
static pthread_mutex_t channel_lock = PTHREAD_MUTEX_INITIALIZER; /* opening and closing the channel */
static pthread_mutex_t read_lock = PTHREAD_MUTEX_INITIALIZER;    /* one reader at a time, and its state */
static _Atomic int read_fd = -1;
static uint64_t ring_head;                                /* read_lock: the next position to read */
static int64_t stuck_since_ns;                            /* read_lock: when a reserved head was first seen */
static uint64_t stuck_before;                             /* read_lock: the tail then */
static uint64_t overflow_reported[SIGNALS_MAX_SIGNO + 1]; /* read_lock: overflowed deliveries already read */
static uint64_t overflow_handled_seen[SIGNALS_MAX_SIGNO + 1]; /* read_lock: overflowed_handled at the last report */
static uint64_t overflow_total_reported;                  /* read_lock: signals_overflow_total at the last full scan */
static int64_t last_wait_ns;                              /* read_lock: see signals_set_reader_spin() */
static _Atomic int reader_spin_us = 0;
static _Atomic uint64_t wakes_requested;                  /* signals_wake() calls, see signals_read_wait() */

/* --- opening, closing, forking ------------------------------------------------------------------------ */

/* A fork handler clears the mark too: qemu-user accepts MADV_WIPEONFORK and ignores it (qemu-aarch64 failed
 * native.fork_child_records_nothing). It does not run for a raw clone(2), which the kernel's wipe covers. */
static void clear_owner_mark_in_child(void)
{
    _Atomic uint32_t *mark = atomic_load(&signals_owner_mark);
    if (mark != NULL)
        atomic_store(mark, 0);
}

/* The owner mark: a page a forked child sees zeroed (MADV_WIPEONFORK, Linux 4.14). Made once, kept. */
static void make_owner_mark(void)
{
    if (atomic_load(&signals_owner_mark) != NULL)
        return;
    long page = sysconf(_SC_PAGESIZE);
    void *memory = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED)
        return;
#ifdef MADV_WIPEONFORK
    if (madvise(memory, (size_t)page, MADV_WIPEONFORK) == 0) {
        atomic_store((_Atomic uint32_t *)memory, 1);
        atomic_store(&signals_owner_mark, (_Atomic uint32_t *)memory);
        (void)pthread_atfork(NULL, NULL, clear_owner_mark_in_child);
        return;
    }
#endif
    munmap(memory, (size_t)page);
}

/* Called with channel_lock held. */
static int open_locked(void)
{
    if (atomic_load(&read_fd) >= 0)
        return 0;
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
        return -1;
    (void)shutdown(fds[0], SHUT_WR); /* one way: the reader never writes */
    if (fcntl(fds[1], F_SETFL, O_NONBLOCK) != 0) { /* a wake byte never blocks, whoever sends it */
        int error = errno;
        close(fds[0]);
        close(fds[1]);
        return signals_fail(error);
    }
    atomic_store(&signals_owner_pid, getpid());
    make_owner_mark();
    atomic_store(&read_fd, fds[0]);
    atomic_store(&signals_wake_fd, fds[1]); /* last: publishing it lets handlers wake the reader */
    return 0;
}

int signals_channel_open(void)
{
    pthread_mutex_lock(&channel_lock);
    int result = open_locked();
    pthread_mutex_unlock(&channel_lock);
    return result;
}

int signals_channel_is_open(void)
{
    return atomic_load(&signals_wake_fd) >= 0;
}

int signals_init(void)
{
    return signals_channel_open();
}

static void reset_counters_locked(void)
{
    for (int signo = 0; signo <= SIGNALS_MAX_SIGNO; signo++) {
        atomic_store(&signals_slots[signo].delivered, 0);
        /* Overflow not yet reported stays reportable: only what was read is forgotten. */
        uint64_t overflowed = atomic_load(&signals_slots[signo].overflowed);
        atomic_store(&signals_slots[signo].overflowed, overflowed - overflow_reported[signo]);
        atomic_fetch_sub(&signals_overflow_total, overflow_reported[signo]);
        overflow_reported[signo] = 0;
    }
    overflow_total_reported = 0;
}

/* After every action was restored: unpublish the write end, wake a sleeping reader, wait (bounded) until no
 * handler still sends on it, close it, then the read end once the reader has let go. The ring stays as it is:
 * its records stay readable (signals_read()), for their callbacks or their restored actions. */
void signals_channel_close(void)
{
    pthread_mutex_lock(&channel_lock);
    int write_fd = atomic_exchange_explicit(&signals_wake_fd, -1, memory_order_seq_cst);
    if (write_fd >= 0) {
        static const char wake_byte = 0;
        (void)send(write_fd, &wake_byte, 1, MSG_DONTWAIT | MSG_NOSIGNAL); /* the readers see the close */
        signals_wake_sleeper();
        int64_t deadline = signals_monotonic_ns() + CLOSE_WAIT_NS;
        while (atomic_load_explicit(&signals_wake_users, memory_order_seq_cst) != 0 &&
               signals_monotonic_ns() < deadline)
            sched_yield();
        if (atomic_exchange(&signals_wake_users, 0) == 0)
            close(write_fd); /* else left open: a handler may still hold the number */
        pthread_mutex_lock(&read_lock);
        close(atomic_exchange(&read_fd, -1));
        reset_counters_locked();
        pthread_mutex_unlock(&read_lock);
    }
    pthread_mutex_unlock(&channel_lock);
}

int signals_channel_reset_after_fork(void)
{
    pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
    memcpy(&channel_lock, &fresh, sizeof channel_lock);
    memcpy(&read_lock, &fresh, sizeof read_lock);
    int write_fd = atomic_exchange(&signals_wake_fd, -1);
    int old_read_fd = atomic_exchange(&read_fd, -1);
    if (write_fd >= 0)
        close(write_fd);
    if (old_read_fd >= 0)
        close(old_read_fd);
    /* The parent's records are not ours: an empty ring (only the cells used so far need clearing). */
    uint64_t used = atomic_load(&signals_ring_tail);
    memset(signals_ring, 0, sizeof signals_ring[0] * (used < SIGNALS_RING_RECORDS ? used : SIGNALS_RING_RECORDS));
    atomic_store(&signals_ring_tail, 0);
    ring_head = 0;
    stuck_since_ns = 0;
    stuck_before = 0;
    for (int signo = 0; signo <= SIGNALS_MAX_SIGNO; signo++) {
        atomic_store(&signals_slots[signo].delivered, 0);
        atomic_store(&signals_slots[signo].overflowed, 0);
        atomic_store(&signals_slots[signo].overflowed_handled, 0);
        overflow_reported[signo] = overflow_handled_seen[signo] = 0;
    }
    atomic_store(&signals_overflow_total, 0);
    overflow_total_reported = 0;
    atomic_store(&signals_wake_users, 0);
    atomic_store(&signals_reader_armed, 0);
    last_wait_ns = 0;
    _Atomic uint32_t *mark = atomic_load(&signals_owner_mark);
    if (mark != NULL)
        atomic_store(mark, 1); /* zeroed by the fork: this process records from now on */
    return signals_channel_open();
}

/* --- draining ------------------------------------------------------------------------------------------ */

/* Called with read_lock held, the ring drained: turns overflow counts not yet reported into records. The
 * total lets the common case (no overflow since the last full scan) cost one atomic load. */
static int read_overflow_locked(signals_record *records, int max)
{
    uint64_t total = atomic_load_explicit(&signals_overflow_total, memory_order_acquire);
    if (total == overflow_total_reported || max <= 0)
        return 0;
    int count = 0;
    int signo;
    for (signo = 1; signo <= SIGNALS_MAX_SIGNO && count < max; signo++) {
        uint64_t overflowed = atomic_load_explicit(&signals_slots[signo].overflowed, memory_order_acquire);
        uint64_t pending = overflowed - overflow_reported[signo];
        if (pending == 0)
            continue;
        if (pending > UINT32_MAX)
            pending = UINT32_MAX;
        overflow_reported[signo] += pending;
        uint64_t handled = atomic_load_explicit(&signals_slots[signo].overflowed_handled, memory_order_relaxed);
        records[count++] = (signals_record){.signo = signo, .code = SIGNALS_CODE_COALESCED,
                                            .timestamp_ns = signals_monotonic_ns(), .coalesced = (uint32_t)pending,
                                            .reserved = handled != overflow_handled_seen[signo] ? SIGNALS_RECORD_HANDLED
                                                                                                : 0};
        overflow_handled_seen[signo] = handled; /* HANDLED: some came under HANDLE, so none may be dropped */
    }
    if (signo > SIGNALS_MAX_SIGNO)
        overflow_total_reported = total; /* a full scan: everything counted up to `total` is reported */
    return count;
}

/* Called with read_lock held. Copies published records from the head, up to max. *stuck: the head is reserved,
 * not published; records behind it wait (and the cell is retired after a bound). */
static int take_records_locked(signals_record *records, int max, int *stuck)
{
    int count = 0;
    *stuck = 0;
    while (count < max) {
        uint64_t index = ring_head & (SIGNALS_RING_RECORDS - 1);
        struct signals_ring_cell *cell = &signals_ring[index];
        uint64_t relative = ring_head - index;
        uint64_t sequence = atomic_load_explicit(&cell->sequence, memory_order_seq_cst);
        if (sequence == relative + 1) {
            records[count++] = cell->record;
            atomic_store_explicit(&cell->sequence, relative + SIGNALS_RING_RECORDS, memory_order_release);
            ring_head++;
            continue;
        }
        if (sequence == SIGNALS_CELL_RETIRED) {
            ring_head++;
            continue;
        }
        uint64_t tail = atomic_load_explicit(&signals_ring_tail, memory_order_seq_cst);
        if (tail <= ring_head)
            break; /* empty */
        /* Reserved, not published. Positions below stuck_before were all reserved before stuck_since_ns:
         * once the bound has passed since then, each of them still unpublished is retired at once. */
        int64_t now = signals_monotonic_ns();
        if (stuck_since_ns == 0 || ring_head >= stuck_before) {
            stuck_since_ns = now;
            stuck_before = tail;
        }
        if (now - stuck_since_ns < STUCK_RETIRE_NS) {
            *stuck = 1;
            break;
        }
        /* Reserved long ago and never published: retire it (a late publish then fails, and counts). */
        if (atomic_compare_exchange_strong(&cell->sequence, &relative, SIGNALS_CELL_RETIRED))
            ring_head++;
    }
    return count;
}

static int ring_has_records_locked(void)
{
    uint64_t index = ring_head & (SIGNALS_RING_RECORDS - 1);
    uint64_t sequence = atomic_load_explicit(&signals_ring[index].sequence, memory_order_seq_cst);
    return sequence != ring_head - index ||
           atomic_load_explicit(&signals_overflow_total, memory_order_seq_cst) != overflow_total_reported;
}

/* --- waiting ------------------------------------------------------------------------------------------ */

/* Called with read_lock held: sleeps while the futex word is still `seen`, up to the timeout (ms; -1 forever).
 * A wake, a signal (EINTR) or a word already changed (EAGAIN) just ends this sleep: the caller looks again. */
static void sleep_locked(uint32_t seen, int64_t timeout_ms)
{
    struct timespec relative = {(time_t)(timeout_ms / 1000), (long)(timeout_ms % 1000) * 1000000};
    (void)syscall(SYS_futex, &signals_wake_word, SIGNALS_FUTEX_WAIT_PRIVATE, seen, timeout_ms < 0 ? NULL : &relative,
                  NULL, 0);
}

/* Called with read_lock held: takes wake bytes without waiting (a poll loop's reader, signals_read()). */
static void take_wake_bytes_locked(int fd)
{
    char bytes[64];
    while (recv(fd, bytes, sizeof bytes, MSG_DONTWAIT) == (ssize_t)sizeof bytes)
        ;
}

/* Called with read_lock held. Polls memory for up to `microseconds` until a record is in the ring, so a
 * reader that gets signals back to back never pays for being woken from its sleep. */
static void spin_for_record_locked(int microseconds)
{
    int64_t deadline = signals_monotonic_ns() / 1000 + microseconds;
    while (!ring_has_records_locked() && signals_monotonic_ns() / 1000 < deadline) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    }
}

int signals_set_reader_spin(int microseconds)
{
    if (microseconds < 0 || microseconds > 1000000)
        return signals_fail(EINVAL);
    atomic_store(&reader_spin_us, microseconds);
    return 0;
}

int signals_read_wait(signals_record *records, int max, int timeout_ms)
{
    if (records == NULL || max <= 0)
        return signals_fail(EINVAL);
    if (timeout_ms != 0 && signals_channel_open() != 0)
        return -1;
    return signals_channel_read_wait(records, max, timeout_ms);
}

/* Returns records, or 0 only when the timeout passed, a signals_wake() came during the call, or the channel is
 * closed: a wake byte left from an earlier sleep, with nothing to read, just makes the reader look and sleep on. */
int signals_channel_read_wait(signals_record *records, int max, int timeout_ms)
{
    pthread_mutex_lock(&read_lock);
    uint64_t wakes = atomic_load(&wakes_requested);
    int64_t started = signals_monotonic_ns();
    int64_t deadline = timeout_ms < 0 ? INT64_MAX : started + (int64_t)timeout_ms * 1000000;
    int spin_us = atomic_load_explicit(&reader_spin_us, memory_order_relaxed);
    int spun = 0;
    int count = 0;
    for (;;) {
        int fd = atomic_load(&read_fd);
        if (timeout_ms == 0 && fd >= 0)
            take_wake_bytes_locked(fd);
        int stuck;
        count = take_records_locked(records, max, &stuck);
        if (count < max)
            count += read_overflow_locked(records + count, max - count); /* the ring is drained */
        if (timeout_ms == 0 && count < max && !stuck) /* a poll loop's next wake */
            atomic_store_explicit(&signals_reader_armed, SIGNALS_ARMED_POLLER, memory_order_seq_cst);
        if (count != 0 || timeout_ms == 0 || fd < 0 || !signals_channel_is_open() ||
            atomic_load(&wakes_requested) != wakes)
            break;
        int64_t now = signals_monotonic_ns();
        if (now >= deadline)
            break;
        if (spin_us > 0 && !spun && last_wait_ns <= (int64_t)spin_us * 1000) {
            spun = 1;
            spin_for_record_locked(spin_us);
            continue;
        }
        int64_t left_ms = deadline == INT64_MAX ? -1 : (deadline - now + 999999) / 1000000;
        if (stuck && (left_ms < 0 || left_ms > STUCK_POLL_MS))
            left_ms = STUCK_POLL_MS;
        uint32_t seen = atomic_load_explicit(&signals_wake_word, memory_order_seq_cst);
        atomic_store_explicit(&signals_reader_armed, SIGNALS_ARMED_SLEEPER, memory_order_seq_cst);
        if (!ring_has_records_locked() && atomic_load(&wakes_requested) == wakes)
            sleep_locked(seen, left_ms);
        atomic_store_explicit(&signals_reader_armed, 0, memory_order_relaxed);
    }
    if (timeout_ms != 0)
        last_wait_ns = signals_monotonic_ns() - started;
    pthread_mutex_unlock(&read_lock);
    return count;
}

int signals_read(signals_record *records, int max)
{
    return signals_read_wait(records, max, 0);
}

/* Under read_lock, as a reader: close cannot close (and a later open cannot reuse) the descriptor while we
 * poll it. Ready when the ring has records; a wake byte (a record, signals_wake(), the close) ends the poll. */
int signals_wait(int timeout_ms)
{
    if (signals_channel_open() != 0)
        return -1;
    pthread_mutex_lock(&read_lock);
    int fd = atomic_load(&read_fd);
    int result = 1;
    if (fd >= 0 && signals_channel_is_open() && !ring_has_records_locked()) {
        atomic_store_explicit(&signals_reader_armed, SIGNALS_ARMED_POLLER, memory_order_seq_cst);
        if (!ring_has_records_locked()) {
            struct pollfd pollfd = {.fd = fd, .events = POLLIN};
            int64_t deadline = timeout_ms < 0 ? -1 : signals_monotonic_ns() / 1000000 + timeout_ms;
            do {
                int64_t remaining = deadline - signals_monotonic_ns() / 1000000;
                int left = deadline < 0 ? -1 : (remaining < 0 ? 0 : (int)remaining);
                result = poll(&pollfd, 1, left); /* one descriptor: -1, 0 or 1 */
            } while (result < 0 && errno == EINTR);
        }
        atomic_store_explicit(&signals_reader_armed, 0, memory_order_relaxed);
    }
    pthread_mutex_unlock(&read_lock);
    return result;
}

uint64_t signals_wakes_requested(void)
{
    return atomic_load(&wakes_requested);
}

int signals_wake(void)
{
    atomic_fetch_add(&wakes_requested, 1);
    signals_wake_sleeper();
    return signals_send_wake();
}

uint64_t signals_forged_records(void)
{
    return 0; /* records never travel through a descriptor: there is nothing to forge */
}

int signals_counters(int signo, uint64_t *delivered, uint64_t *overflowed)
{
    if (!signals_in_range(signo))
        return signals_fail(EINVAL);
    if (delivered)
        *delivered = atomic_load(&signals_slots[signo].delivered);
    if (overflowed)
        *overflowed = atomic_load(&signals_slots[signo].overflowed);
    return 0;
}

int signals_pipe_capacity(void)
{
    return SIGNALS_RING_RECORDS;
}

int signals_read_fd(void)
{
    if (signals_channel_open() != 0)
        return -1;
    return atomic_load(&read_fd);
}

