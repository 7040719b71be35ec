/*
 * pipe.c — the record pipe: its lifetime and the reader side.
 *
 * The write end is non-blocking (the handler never waits); the read end blocks, so a dedicated reader
 * sleeps in one read(2) and wakes with the records: one system call per wake-up, as cheap as a bare
 * self-pipe. Two kinds of records are not deliveries and never reach the caller: the wake record
 * (signo 0) that signals_wake() writes, and the nudge (also signo 0) the handler writes after counting
 * an overflow.
 *
 * What the handler did not write is dropped. Any process of the same uid can open the write end through
 * /proc/<pid>/fd/<n> and write anything, of any length. Every record we write carries the process's
 * secret tag in `reserved` (signals_record_tag, made at open); the reader keeps a record only if the tag
 * matches and the signal number is 0..SIGNALS_MAX_SIGNO, then clears `reserved`. Foreign bytes of any
 * length misalign the stream, so on a record that fails the reader skips one byte and tries again, and
 * keeps an incomplete tail for the next read (`carry`): our writes are atomic 40-byte writes, so the
 * next one of ours is found whole. A candidate made of foreign bytes and ours passes only if four bytes
 * equal the secret, by chance 1 in 2^32 (the tag is never 0, so the zeroed `coalesced` field cannot
 * stand in for it).
 *
 * Overflow without lost wake-ups: when a record does not fit, the handler counts it (the slot, then
 * signals_overflow_total) and then tries to write a nudge. If the nudge fits, the reader wakes for it.
 * If it does not, the pipe was still full after the count, so the reader has yet to drain it, and it
 * reads the counters after draining (a short read means drained). Either way the count is seen.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "state.h"

_Atomic int signals_record_fd = -1;
_Atomic uint64_t signals_overflow_total;
_Atomic uint64_t signals_records_written;
_Atomic pid_t signals_owner_pid;
_Atomic int signals_handlers_running;
_Atomic uint32_t signals_record_tag;

/* Lock order: core.c's lock, then pipe_lock, then read_lock. The reader takes pipe_lock only briefly
 * and never while holding read_lock, so a reader blocked in read(2) never holds up an install. */
static pthread_mutex_t pipe_lock = PTHREAD_MUTEX_INITIALIZER; /* opening and closing the pipe */
static pthread_mutex_t read_lock = PTHREAD_MUTEX_INITIALIZER; /* one reader at a time, and its state */
static _Atomic int record_read_fd = -1;
static uint64_t overflow_reported[SIGNALS_MAX_SIGNO + 1]; /* overflowed deliveries already read */
static uint64_t overflow_total_reported; /* signals_overflow_total when the last full scan began */
static uint64_t records_consumed; /* records (and wake records) read out of the pipe */
static unsigned char carry[sizeof(signals_record)]; /* the start of a record not yet read whole */
static size_t carry_bytes;
static size_t skipped_run; /* foreign bytes skipped since the last record of ours */
static _Atomic uint64_t forged_records; /* see signals_forged_records(); kept across shutdowns */
static _Atomic int reader_spin_us = 0; /* see signals_set_reader_spin(); 0: bench/results/profile.md */
/* read_lock: how long the last blocking read_wait waited for its first record. The spin pays only for
 * signals that come back to back (a ping-pong, a burst): after a wait longer than the spin the next one does
 * not spin (a spin of that length would not have caught it),
 * so an isolated signal or a steady trickle costs no CPU beyond the bare wake-up (bench/results/profile.md). */
static int64_t last_wait_ns;

/* read_lock: whether the last blocking read_wait returned records after a wait of at most BUSY_GAP_NS.
 * Then signals are flowing and the next wait with a timeout sleeps in read(2), the waker keeping the
 * timeout (waker.c says why); otherwise it sleeps in poll(2), so an idle process starts no waker. */
#define BUSY_GAP_NS INT64_C(1000000000)
static int flowing;

/* Bigger than the default 64 KiB so a burst of queued real-time signals fits: 1 MiB is the default
 * /proc/sys/fs/pipe-max-size an unprivileged process may ask for. */
#define PIPE_BYTES (1 << 20)

/* A fresh secret for a new pipe: getrandom(2), else /dev/urandom, else a mix of the clock, the pid and
 * an address (weak, but only used where the system offers no randomness). Never 0. Not called from the
 * handler (it reads the published value). */
static uint32_t make_tag(void)
{
    uint32_t tag = 0;
    if (getrandom(&tag, sizeof tag, GRND_NONBLOCK) != (ssize_t)sizeof tag) {
        int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
        if (fd < 0 || read(fd, &tag, sizeof tag) != (ssize_t)sizeof tag) {
            uint64_t mix = (uint64_t)signals_monotonic_ns() ^ ((uint64_t)getpid() << 32) ^ (uintptr_t)&tag;
            mix *= UINT64_C(0x9e3779b97f4a7c15);
            tag = (uint32_t)(mix >> 32);
        }
        if (fd >= 0)
            close(fd);
    }
    return tag != 0 ? tag : 0x5167a15u;
}

/* Called with pipe_lock held. */
static int open_pipe_locked(void)
{
    if (atomic_load(&record_read_fd) >= 0)
        return 0;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return -1;
    if (fcntl(fds[1], F_SETFL, O_NONBLOCK) != 0) {
        int error = errno;
        close(fds[0]);
        close(fds[1]);
        return signals_fail(error);
    }
    (void)fcntl(fds[1], F_SETPIPE_SZ, PIPE_BYTES); /* best effort: the default size also works */
    atomic_store(&signals_owner_pid, getpid());
    atomic_store(&signals_record_tag, make_tag());
    atomic_store(&record_read_fd, fds[0]);
    atomic_store(&signals_record_fd, fds[1]); /* last: publishing it lets the handler write */
    return 0;
}

static void reset_counters(void)
{
    for (int signo = 0; signo <= SIGNALS_MAX_SIGNO; signo++) {
        atomic_store(&signals_slots[signo].delivered, 0);
        atomic_store(&signals_slots[signo].overflowed, 0);
        overflow_reported[signo] = 0;
    }
    atomic_store(&signals_overflow_total, 0);
    overflow_total_reported = 0;
    atomic_store(&signals_records_written, 0);
    records_consumed = 0;
    carry_bytes = 0;
    skipped_run = 0;
}

int signals_pipe_open(void)
{
    pthread_mutex_lock(&pipe_lock);
    int result = open_pipe_locked();
    pthread_mutex_unlock(&pipe_lock);
    return result;
}

/* Writes a wake record (signo 0, tagged) into fd. A full pipe needs none: the reader has records to
 * wake up for. Async-signal-safe. */
static int write_wake(int fd)
{
    signals_record wake;
    memset(&wake, 0, sizeof wake);
    wake.reserved = atomic_load_explicit(&signals_record_tag, memory_order_relaxed);
    if (write(fd, &wake, sizeof wake) == (ssize_t)sizeof wake) {
        atomic_fetch_add_explicit(&signals_records_written, 1, memory_order_release);
        return 0;
    }
    return errno == EAGAIN ? 0 : -1;
}

/* After every action was restored: unpublish the write end, wait until no handler still holds it (so
 * a closed number is never written into a file opened later), wake the reader, close the write end,
 * then close the read end once the reader has let go.
 *
 * The exchange and the wait pair with the handler's "count in, then load the fd" (handler.c,
 * record_delivery): both sides store then load, so all four accesses are seq_cst (a weaker order would
 * let close read a count of 0 while a handler goes on to load the old fd).
 *
 * The wake record, not end-of-file, ends a blocked read: a fork()ed child holds its own copy of the
 * write end, so closing ours may never produce end-of-file. A reader that takes read_lock after the
 * wake was consumed sees the unpublished write end and returns at once (signals_read_wait). */
void signals_pipe_close(void)
{
    pthread_mutex_lock(&pipe_lock);
    int write_fd = atomic_exchange_explicit(&signals_record_fd, -1, memory_order_seq_cst);
    signals_waker_stop(); /* after the unpublish: no reader can start a new one now */
    if (write_fd >= 0) {
        while (atomic_load_explicit(&signals_handlers_running, memory_order_seq_cst) != 0)
            sched_yield();
        (void)write_wake(write_fd);
        close(write_fd);
        pthread_mutex_lock(&read_lock);
        close(atomic_exchange(&record_read_fd, -1));
        reset_counters();
        pthread_mutex_unlock(&read_lock);
    }
    pthread_mutex_unlock(&pipe_lock);
}

int signals_pipe_reset_after_fork(void)
{
    /* The parent's threads do not exist here; a lock one of them held would never be released. */
    pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
    memcpy(&pipe_lock, &fresh, sizeof pipe_lock);
    memcpy(&read_lock, &fresh, sizeof read_lock);
    int write_fd = atomic_exchange(&signals_record_fd, -1);
    int read_fd = atomic_exchange(&record_read_fd, -1);
    if (write_fd >= 0)
        close(write_fd);
    if (read_fd >= 0)
        close(read_fd);
    atomic_store(&signals_handlers_running, 0);
    atomic_store(&forged_records, 0);
    reset_counters();
    signals_waker_reset_after_fork();
    flowing = 0;
    return signals_pipe_open(); /* with a new tag: the parent's is not this process's secret */
}

int signals_init(void)
{
    return signals_pipe_open();
}

/* Called with read_lock held, the pipe drained: turns overflow counts not yet reported into records.
 * The total lets the common case (no overflow since the last full scan) cost one atomic load. */
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
        signals_record *record = &records[count++];
        memset(record, 0, sizeof *record);
        record->signo = signo;
        record->code = SIGNALS_CODE_COALESCED;
        record->timestamp_ns = signals_monotonic_ns();
        record->coalesced = (uint32_t)pending;
    }
    if (signo > SIGNALS_MAX_SIGNO)
        overflow_total_reported = total; /* a full scan: everything counted up to `total` is reported */
    return count;
}

/* Called with read_lock held. `bytes` holds `length` bytes from the pipe (the carry first). Keeps the
 * records the handler wrote, in order, at the start of `records` (which is `bytes`), less wake records
 * and nudges (signo 0), with `reserved` cleared; skips foreign bytes one at a time, counting each run
 * of them as one forged record per record-length begun (a run may span reads: the bytes before an
 * incomplete tail are skipped now, the tail's with the next read); keeps an incomplete tail in `carry`. Returns
 * how many records it kept; *consumed counts our records including wakes and nudges. */
static int take_records(signals_record *records, size_t length, uint64_t *consumed)
{
    const unsigned char *bytes = (const unsigned char *)records;
    uint32_t tag = atomic_load_explicit(&signals_record_tag, memory_order_relaxed);
    size_t position = 0;
    int kept = 0;
    while (length - position >= sizeof(signals_record)) {
        signals_record candidate;
        memcpy(&candidate, bytes + position, sizeof candidate);
        if (candidate.reserved != tag || candidate.signo < 0 || candidate.signo > SIGNALS_MAX_SIGNO ||
            candidate.coalesced != 0) {
            if (skipped_run++ % sizeof(signals_record) == 0)
                atomic_fetch_add(&forged_records, 1); /* this byte begins a record's length of foreign bytes */
            position++;
            continue;
        }
        skipped_run = 0;
        position += sizeof candidate;
        (*consumed)++;
        if (candidate.signo == 0)
            continue;
        candidate.reserved = 0;
        records[kept++] = candidate; /* ends at or before `position`: only bytes already taken */
    }
    carry_bytes = length - position;
    memcpy(carry, bytes + position, carry_bytes);
    return kept;
}

/* poll(2) for the read end, retried with the time left after EINTR (poll is never restarted). */
static int poll_readable(int fd, int timeout_ms)
{
    struct pollfd pollfd = {.fd = fd, .events = POLLIN};
    int64_t deadline = timeout_ms < 0 ? -1 : signals_monotonic_ns() / 1000000 + timeout_ms;
    for (;;) {
        int remaining = -1;
        if (deadline >= 0) {
            int64_t left = deadline - signals_monotonic_ns() / 1000000;
            remaining = left < 0 ? 0 : (int)left;
        }
        int ready = poll(&pollfd, 1, remaining);
        if (ready >= 0)
            return ready > 0 ? 1 : 0;
        if (errno != EINTR)
            return -1;
    }
}

/* Called with read_lock held. Polls memory for up to `microseconds` until a record is in the pipe that
 * was not read yet, so a reader that gets signals in quick succession never pays for being woken from
 * read(2): waking a sleeping thread costs tens of microseconds on an idle virtual machine. */
static void spin_for_record(int microseconds)
{
    if (microseconds <= 0)
        return;
    int64_t deadline = signals_monotonic_ns() / 1000 + microseconds;
    while (atomic_load_explicit(&signals_records_written, memory_order_acquire) == records_consumed &&
           signals_monotonic_ns() / 1000 < deadline) {
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
    if (signals_pipe_open() != 0)
        return -1;
    return signals_pipe_read_wait(records, max, timeout_ms);
}

int signals_pipe_read_wait(signals_record *records, int max, int timeout_ms)
{
    pthread_mutex_lock(&read_lock);
    int fd = atomic_load(&record_read_fd); /* read under read_lock: close cannot swap it meanwhile */
    /* A close is under way (the write end is unpublished and its wake may already have been read by
     * another reader): return now rather than sleep on a pipe that may never be written again. */
    if (atomic_load(&signals_record_fd) < 0)
        fd = -1;
    /* Overflow not yet reported: do not sleep. The pipe may have been drained by a read that happened
     * to fill the caller's buffer exactly, so no short read reported it and no nudge may come. */
    if (atomic_load_explicit(&signals_overflow_total, memory_order_acquire) != overflow_total_reported)
        timeout_ms = 0;
    int spin_us = atomic_load_explicit(&reader_spin_us, memory_order_relaxed);
    int64_t started = signals_monotonic_ns();
    if (fd >= 0 && timeout_ms != 0 && last_wait_ns <= (int64_t)spin_us * 1000)
        spin_for_record(spin_us);
    int result = 0;
    ssize_t bytes = 0;
    size_t wanted = (size_t)max * sizeof *records - carry_bytes;
    int waker_keeps_timeout = fd >= 0 && timeout_ms > 0 && flowing &&
                              signals_waker_arm(started + (int64_t)timeout_ms * 1000000) == 0;
    if (fd >= 0 && timeout_ms >= 0 && !waker_keeps_timeout)
        result = poll_readable(fd, timeout_ms);
    else if (fd >= 0)
        result = 1; /* block in read(2) itself: no timeout, or the waker's wake record ends it */
    if (result > 0) {
        /* After the carried start of a record, so that it completes in place. */
        do
            bytes = read(fd, (unsigned char *)records + carry_bytes, wanted);
        while (bytes < 0 && errno == EINTR); /* a handler installed without SA_RESTART */
        result = bytes < 0 ? -1 : 0;
    }
    if (result == 0) {
        /* 0 bytes is end-of-file (the pipe was closed). */
        int drained = (size_t)bytes < wanted; /* a short read leaves the pipe empty */
        int count = 0;
        if (bytes > 0) {
            memcpy(records, carry, carry_bytes);
            uint64_t consumed = 0;
            count = take_records(records, carry_bytes + (size_t)bytes, &consumed);
            records_consumed += consumed;
        }
        result = count + (drained ? read_overflow_locked(records + count, max - count) : 0);
    }
    if (timeout_ms != 0) {
        last_wait_ns = signals_monotonic_ns() - started;
        flowing = result > 0 && last_wait_ns <= BUSY_GAP_NS;
    }
    pthread_mutex_unlock(&read_lock);
    return result;
}

int signals_read(signals_record *records, int max)
{
    return signals_read_wait(records, max, 0);
}

/* Under read_lock, as a reader: close cannot close (and a later open cannot reuse) the descriptor while
 * we poll it, and close's wake record ends the poll. */
int signals_wait(int timeout_ms)
{
    if (signals_pipe_open() != 0)
        return -1;
    pthread_mutex_lock(&read_lock);
    int fd = atomic_load(&record_read_fd);
    int result = fd >= 0 && atomic_load(&signals_record_fd) >= 0 ? poll_readable(fd, timeout_ms) : 1;
    pthread_mutex_unlock(&read_lock);
    return result;
}

/* signals_wake() calls so far, not the waker's: signals_read_wait_checked() returns to its caller when one
 * came during its wait (a stop request, say), and goes on after a wait that only timed out. */
static _Atomic uint64_t wakes_requested;

uint64_t signals_pipe_wakes_requested(void)
{
    return atomic_load(&wakes_requested);
}

int signals_wake(void)
{
    atomic_fetch_add(&wakes_requested, 1);
    return signals_pipe_wake_on_time();
}

/* Counted in signals_handlers_running like the handler, since signals_wake() may be called from a handler:
 * close waits for it, so the descriptor it loaded is never closed (and reused) under it. */
int signals_pipe_wake_on_time(void)
{
    atomic_fetch_add_explicit(&signals_handlers_running, 1, memory_order_seq_cst);
    int fd = atomic_load_explicit(&signals_record_fd, memory_order_seq_cst);
    int result = fd < 0 ? -1 : write_wake(fd);
    int error = errno;
    atomic_fetch_sub_explicit(&signals_handlers_running, 1, memory_order_seq_cst);
    if (fd < 0)
        return signals_fail(EBADF);
    errno = error;
    return result;
}

uint64_t signals_forged_records(void)
{
    return atomic_load(&forged_records);
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
    /* Under pipe_lock, which open and close hold: the descriptor stays this pipe's while we ask. */
    pthread_mutex_lock(&pipe_lock);
    int bytes = open_pipe_locked() == 0 ? fcntl(atomic_load(&record_read_fd), F_GETPIPE_SZ) : -1;
    pthread_mutex_unlock(&pipe_lock);
    long page = sysconf(_SC_PAGESIZE);
    if (bytes < 0 || page <= 0)
        return -1;
    /* The kernel keeps a pipe's data in page-sized buffers and never splits one small write across two
     * of them, so a page holds page / 40 whole records (102 in 4 KiB, not 4096 / 40 = 102.4): a 1 MiB
     * pipe holds 26112 records, not 1 MiB / 40 = 26214. */
    return (int)(bytes / page) * (int)(page / (long)sizeof(signals_record));
}

int signals_read_fd(void)
{
    if (signals_pipe_open() != 0)
        return -1;
    return atomic_load(&record_read_fd);
}
