/*
 * core.c — lifetime of the self-pipe, installing and restoring actions, the tamper check and the
 * reader side. Everything that can be decided is decided here, at registration time, so that the
 * handler (handler.c) only records and chains.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "state.h"

struct signals_slot signals_slots[SIGNALS_MAX_SIGNO + 1];
_Atomic int signals_record_fd = -1;
_Atomic int signals_overflow_fd = -1;
_Atomic uint64_t signals_overflow_total;
_Atomic pid_t signals_owner_pid;
_Atomic int signals_handlers_running;

/* Reader-side and lifetime state: guarded by `lock`, never touched by the handler. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int record_read_fd = -1;
static uint64_t overflow_reported[SIGNALS_MAX_SIGNO + 1]; /* overflowed deliveries already read */
static uint64_t overflow_total_reported; /* signals_overflow_total when the last full scan began */

/* Bigger than the default 64 KiB so a burst of queued real-time signals fits: 1 MiB is the default
 * /proc/sys/fs/pipe-max-size an unprivileged process may ask for. */
#define PIPE_BYTES (1 << 20)

static int in_range(int signo)
{
    return signo >= 1 && signo <= signals_rtmax();
}

static int fail(int error)
{
    errno = error;
    return -1;
}

static int is_ours(const struct sigaction *action)
{
    return (action->sa_flags & SA_SIGINFO) && action->sa_sigaction == signals_handler;
}

/* Called with `lock` held. */
static int open_pipe_locked(void)
{
    if (record_read_fd >= 0)
        return 0;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
        return -1;
    (void)fcntl(fds[1], F_SETPIPE_SZ, PIPE_BYTES); /* best effort: the default size also works */
    int wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake < 0) {
        int error = errno;
        close(fds[0]);
        close(fds[1]);
        return fail(error);
    }
    record_read_fd = fds[0];
    atomic_store(&signals_owner_pid, getpid());
    atomic_store(&signals_overflow_fd, wake);
    atomic_store(&signals_record_fd, fds[1]); /* last: publishing it lets the handler write */
    return 0;
}

/* Called with `lock` held, after every action was restored: unpublish the fds, wait until no handler
 * still holds one (so a closed number is never written into a file opened later), then close. */
static void close_pipe_locked(void)
{
    if (record_read_fd < 0)
        return;
    int write_fd = atomic_exchange(&signals_record_fd, -1);
    int wake_fd = atomic_exchange(&signals_overflow_fd, -1);
    while (atomic_load(&signals_handlers_running) != 0)
        sched_yield();
    close(write_fd);
    close(wake_fd);
    close(record_read_fd);
    record_read_fd = -1;
    for (int signo = 0; signo <= SIGNALS_MAX_SIGNO; signo++) {
        atomic_store(&signals_slots[signo].delivered, 0);
        atomic_store(&signals_slots[signo].overflowed, 0);
        overflow_reported[signo] = 0;
    }
    atomic_store(&signals_overflow_total, 0);
    overflow_total_reported = 0;
}

int signals_init(void)
{
    pthread_mutex_lock(&lock);
    int result = open_pipe_locked();
    pthread_mutex_unlock(&lock);
    return result;
}

/* Called with `lock` held. */
static int restore_locked(int signo)
{
    struct signals_slot *slot = &signals_slots[signo];
    if (atomic_load(&slot->policy) == 0)
        return fail(ENOENT);
    struct sigaction current;
    if (sigaction(signo, NULL, &current) != 0)
        return -1;
    if (!is_ours(&current)) {
        /* Someone replaced us: theirs stays. If they chain to us, we only pass through. */
        atomic_store(&slot->policy, SIGNALS_POLICY_PASSTHROUGH);
        return 1;
    }
    if (sigaction(signo, &slot->previous[atomic_load(&slot->previous_index)], NULL) != 0)
        return -1;
    atomic_store(&slot->policy, 0);
    return 0;
}

int signals_shutdown(void)
{
    pthread_mutex_lock(&lock);
    for (int signo = 1; signo <= SIGNALS_MAX_SIGNO; signo++)
        if (atomic_load(&signals_slots[signo].policy) != 0)
            (void)restore_locked(signo);
    close_pipe_locked();
    pthread_mutex_unlock(&lock);
    return 0;
}

int signals_reset_after_fork(void)
{
    /* The parent's threads do not exist here; a lock one of them held would never be released. */
    pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
    memcpy(&lock, &fresh, sizeof lock);
    pthread_mutex_lock(&lock);
    int write_fd = atomic_exchange(&signals_record_fd, -1);
    int wake_fd = atomic_exchange(&signals_overflow_fd, -1);
    if (write_fd >= 0)
        close(write_fd);
    if (wake_fd >= 0)
        close(wake_fd);
    if (record_read_fd >= 0)
        close(record_read_fd);
    record_read_fd = -1;
    atomic_store(&signals_handlers_running, 0);
    for (int signo = 0; signo <= SIGNALS_MAX_SIGNO; signo++) {
        /* Readers were handlers on the parent's other threads, which do not exist here. */
        atomic_store(&signals_slots[signo].previous_readers[0], 0);
        atomic_store(&signals_slots[signo].previous_readers[1], 0);
        atomic_store(&signals_slots[signo].delivered, 0);
        atomic_store(&signals_slots[signo].overflowed, 0);
        overflow_reported[signo] = 0;
    }
    atomic_store(&signals_overflow_total, 0);
    overflow_total_reported = 0;
    int result = open_pipe_locked();
    pthread_mutex_unlock(&lock);
    return result;
}

const char *signals_refusal_reason(int signo)
{
    switch (signo) {
    case SIGKILL:
    case SIGSTOP:
        return "it cannot be caught, blocked or ignored (the kernel forbids it)";
    case SIGSEGV:
    case SIGBUS:
    case SIGILL:
    case SIGFPE:
    case SIGTRAP:
    case SIGABRT:
        return "it reports a fault in the process and the .NET runtime handles it (NullReferenceException, "
               "crash dumps, debugger)";
    }
    if (signo < 1 || signo > signals_rtmax())
        return "it is out of range (signals are numbered 1..SIGRTMAX)";
    if (signo >= 32 && signo < signals_rtmin())
        return "it is reserved by glibc for its threading implementation";
    if (signo == signals_rtmin())
        return "it is SIGRTMIN, the .NET runtime's thread-suspension signal for the garbage collector";
    return NULL;
}

static int check_allowed(int signo)
{
    if (!in_range(signo))
        return fail(EINVAL);
    if (signals_refusal_reason(signo) != NULL)
        return fail(EPERM);
    return 0;
}

/* Our action: SA_SIGINFO | SA_RESTART, with SA_ONSTACK and the mask of the action it replaces
 * (the runtime's fault handlers run on an alternate stack; keep whatever the previous owner chose). */
static void our_action(struct sigaction *ours, const struct sigaction *previous)
{
    memset(ours, 0, sizeof *ours);
    ours->sa_sigaction = signals_handler;
    ours->sa_flags = SA_SIGINFO | SA_RESTART | (previous->sa_flags & SA_ONSTACK);
    ours->sa_mask = previous->sa_mask;
}

int signals_install(int signo, int policy)
{
    if (check_allowed(signo) != 0)
        return -1;
    if (policy != SIGNALS_POLICY_HANDLE && policy != SIGNALS_POLICY_OBSERVE)
        return fail(EINVAL);
    pthread_mutex_lock(&lock);
    int result = open_pipe_locked();
    struct signals_slot *slot = &signals_slots[signo];
    struct sigaction current;
    if (result == 0)
        result = sigaction(signo, NULL, &current);
    if (result == 0 && is_ours(&current) && atomic_load(&slot->policy) != 0) {
        atomic_store(&slot->policy, policy); /* already ours: only the policy changes */
    } else if (result == 0) {
        /* Fresh install (or a foreign handler replaced our pass-through): save what is there now. */
        int spare = 1 - atomic_load(&slot->previous_index);
        /* A handler that loaded the index before the last flip may still be copying the spare action
         * (handler.c, previous_action): wait for it. It copies two fields, so this is brief. */
        while (atomic_load(&slot->previous_readers[spare]) != 0)
            sched_yield();
        slot->previous[spare] = current;
        atomic_store(&slot->previous_index, spare);
        atomic_store(&slot->policy, policy); /* published before the handler can run */
        struct sigaction ours;
        our_action(&ours, &current);
        result = sigaction(signo, &ours, NULL);
        if (result != 0)
            atomic_store(&slot->policy, 0);
    }
    pthread_mutex_unlock(&lock);
    return result;
}

int signals_uninstall(int signo)
{
    if (!in_range(signo))
        return fail(EINVAL);
    struct signals_slot *slot = &signals_slots[signo];
    int expected_handle = SIGNALS_POLICY_HANDLE, expected_observe = SIGNALS_POLICY_OBSERVE;
    if (atomic_compare_exchange_strong(&slot->policy, &expected_handle, SIGNALS_POLICY_PASSTHROUGH) ||
        atomic_compare_exchange_strong(&slot->policy, &expected_observe, SIGNALS_POLICY_PASSTHROUGH))
        return 0;
    return fail(ENOENT);
}

int signals_restore(int signo)
{
    if (!in_range(signo))
        return fail(EINVAL);
    pthread_mutex_lock(&lock);
    int result = restore_locked(signo);
    pthread_mutex_unlock(&lock);
    return result;
}

int signals_set_builtin(int signo, int ignore)
{
    if (check_allowed(signo) != 0)
        return -1;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = ignore ? SIG_IGN : SIG_DFL;
    pthread_mutex_lock(&lock);
    int result = sigaction(signo, &action, NULL);
    if (result == 0)
        atomic_store(&signals_slots[signo].policy, 0);
    pthread_mutex_unlock(&lock);
    return result;
}

static int disposition_of(const struct sigaction *action)
{
    if (is_ours(action))
        return SIGNALS_DISPOSITION_OURS;
    if (!(action->sa_flags & SA_SIGINFO) && action->sa_handler == SIG_DFL)
        return SIGNALS_DISPOSITION_DEFAULT;
    if (!(action->sa_flags & SA_SIGINFO) && action->sa_handler == SIG_IGN)
        return SIGNALS_DISPOSITION_IGNORED;
    if ((void *)action->sa_sigaction == (void *)SIG_DFL)
        return SIGNALS_DISPOSITION_DEFAULT;
    if ((void *)action->sa_sigaction == (void *)SIG_IGN)
        return SIGNALS_DISPOSITION_IGNORED;
    return SIGNALS_DISPOSITION_FOREIGN;
}

int signals_disposition(int signo)
{
    if (!in_range(signo))
        return fail(EINVAL);
    struct sigaction current;
    if (sigaction(signo, NULL, &current) != 0)
        return -1;
    return disposition_of(&current);
}

int signals_policy(int signo)
{
    if (!in_range(signo))
        return fail(EINVAL);
    int policy = atomic_load(&signals_slots[signo].policy);
    return policy == SIGNALS_POLICY_PASSTHROUGH ? 0 : policy;
}

int signals_previous_disposition(int signo)
{
    if (!in_range(signo))
        return fail(EINVAL);
    struct signals_slot *slot = &signals_slots[signo];
    pthread_mutex_lock(&lock); /* an install may be rewriting the saved action */
    int result = atomic_load(&slot->policy) == 0
                     ? fail(ENOENT)
                     : disposition_of(&slot->previous[atomic_load(&slot->previous_index)]);
    pthread_mutex_unlock(&lock);
    return result;
}

uint64_t signals_tampered(void)
{
    uint64_t tampered = 0;
    for (int signo = 1; signo <= SIGNALS_MAX_SIGNO; signo++) {
        int policy = atomic_load(&signals_slots[signo].policy);
        if (policy != SIGNALS_POLICY_HANDLE && policy != SIGNALS_POLICY_OBSERVE)
            continue;
        struct sigaction current;
        if (sigaction(signo, NULL, &current) == 0 && !is_ours(&current))
            tampered |= UINT64_C(1) << (signo - 1);
    }
    return tampered;
}

int signals_reinstall(int signo)
{
    if (!in_range(signo))
        return fail(EINVAL);
    pthread_mutex_lock(&lock);
    struct signals_slot *slot = &signals_slots[signo];
    int result;
    if (atomic_load(&slot->policy) == 0) {
        result = fail(ENOENT);
    } else {
        struct sigaction ours;
        our_action(&ours, &slot->previous[atomic_load(&slot->previous_index)]);
        result = sigaction(signo, &ours, NULL);
    }
    pthread_mutex_unlock(&lock);
    return result;
}

/* Called with `lock` held and the pipe drained: turns overflow counts not yet reported into records.
 * Order: signals_wait() drains the eventfd first, then this reads the counters, so an overflow counted
 * after this read has also written the eventfd again and the next signals_wait() wakes for it. The
 * total lets the common case (no overflow since the last scan) cost one atomic load. */
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
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        record->signo = signo;
        record->code = SIGNALS_CODE_COALESCED;
        record->timestamp_ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
        record->coalesced = (uint32_t)pending;
    }
    if (signo > SIGNALS_MAX_SIGNO)
        overflow_total_reported = total; /* a full scan: everything counted up to `total` is reported */
    return count;
}

int signals_read(signals_record *records, int max)
{
    if (records == NULL || max <= 0)
        return fail(EINVAL);
    pthread_mutex_lock(&lock);
    int result = open_pipe_locked();
    if (result == 0) {
        ssize_t bytes = read(record_read_fd, records, (size_t)max * sizeof *records);
        if (bytes < 0 && errno != EAGAIN) {
            result = -1;
        } else {
            /* Whole records: each write was atomic. Fewer than asked means the pipe is drained, so
             * overflow counted so far can be reported after them. */
            int count = bytes > 0 ? (int)(bytes / (ssize_t)sizeof *records) : 0;
            result = count + (count < max ? read_overflow_locked(records + count, max - count) : 0);
        }
    }
    pthread_mutex_unlock(&lock);
    return result;
}

static int64_t monotonic_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

int signals_wait(int timeout_ms)
{
    if (signals_init() != 0)
        return -1;
    struct pollfd fds[2] = {
        {.fd = record_read_fd, .events = POLLIN},
        {.fd = atomic_load(&signals_overflow_fd), .events = POLLIN},
    };
    int64_t deadline = timeout_ms < 0 ? -1 : monotonic_ms() + timeout_ms;
    for (;;) {
        int remaining = -1;
        if (deadline >= 0) {
            int64_t left = deadline - monotonic_ms();
            remaining = left < 0 ? 0 : (int)left;
        }
        int ready = poll(fds, 2, remaining);
        if (ready > 0 && (fds[1].revents & POLLIN)) {
            /* Drained here, before the caller reads the overflow counters (see read_overflow_locked). */
            uint64_t ignored;
            (void)!read(fds[1].fd, &ignored, sizeof ignored);
        }
        if (ready >= 0)
            return ready > 0 ? 1 : 0;
        if (errno != EINTR) /* poll is never restarted by SA_RESTART: retry with the time left */
            return -1;
    }
}

int signals_wake(void)
{
    int fd = atomic_load(&signals_overflow_fd);
    if (fd < 0)
        return fail(EBADF);
    uint64_t one = 1;
    return write(fd, &one, sizeof one) == (ssize_t)sizeof one ? 0 : -1;
}

int signals_counters(int signo, uint64_t *delivered, uint64_t *overflowed)
{
    if (!in_range(signo))
        return fail(EINVAL);
    if (delivered)
        *delivered = atomic_load(&signals_slots[signo].delivered);
    if (overflowed)
        *overflowed = atomic_load(&signals_slots[signo].overflowed);
    return 0;
}

int signals_pipe_capacity(void)
{
    if (signals_init() != 0)
        return -1;
    int bytes = fcntl(record_read_fd, F_GETPIPE_SZ);
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
    if (signals_init() != 0)
        return -1;
    return record_read_fd;
}
