/*
 * system.c — thin wrappers over the signal system calls the managed side needs, so that every native call goes
 * through signals.h (and the binding generated from it). Signal sets cross as 64-bit masks, times as integers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "libc_names.h"
#include "state.h"

/* Signal 0 is allowed where POSIX allows it: it checks that the target exists and may be signalled. */
static int sendable(int signo)
{
    return signo == 0 || signals_in_range(signo);
}

static void mask_to_set(uint64_t mask, sigset_t *set)
{
    sigemptyset(set);
    for (int signo = 1; signo <= SIGNALS_MAX_SIGNO; signo++)
        if (mask & (UINT64_C(1) << (signo - 1)))
            sigaddset(set, signo);
}

static uint64_t set_to_mask(const sigset_t *set)
{
    uint64_t mask = 0;
    for (int signo = 1; signo <= SIGNALS_MAX_SIGNO; signo++)
        if (sigismember(set, signo) == 1)
            mask |= UINT64_C(1) << (signo - 1);
    return mask;
}

int signals_kill(int32_t pid, int signo)
{
    return sendable(signo) ? kill(pid, signo) : signals_fail(EINVAL);
}

int signals_raise(int signo)
{
    if (!signals_in_range(signo))
        return signals_fail(EINVAL);
    return raise(signo) == 0 ? 0 : -1;
}

int signals_sigqueue(int32_t pid, int signo, int64_t value)
{
    if (!sendable(signo))
        return signals_fail(EINVAL);
    union sigval sigval = {.sival_ptr = (void *)(intptr_t)value};
    return sigqueue(pid, signo, sigval);
}

int signals_pthread_kill(uint64_t thread, int signo)
{
    if (!sendable(signo))
        return signals_fail(EINVAL);
    int error = pthread_kill((pthread_t)thread, signo);
    return error == 0 ? 0 : signals_fail(error);
}

uint64_t signals_thread_self(void)
{
    return (uint64_t)pthread_self();
}

int signals_thread_kill(int32_t tid, int signo)
{
    return sendable(signo) ? (int)syscall(SYS_tgkill, getpid(), tid, signo) : signals_fail(EINVAL);
}

int32_t signals_thread_id(void)
{
    return (int32_t)syscall(SYS_gettid);
}

/* Raw system call numbers: glibc gained wrappers only in 2.36, and both are the same on x86-64 and
 * arm64 (the unified syscall table since Linux 5.1 / 5.3). */
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

int signals_pidfd_open(int32_t pid)
{
    return pid > 0 ? (int)syscall(SYS_pidfd_open, (pid_t)pid, 0) : signals_fail(EINVAL);
}

int signals_pidfd_send(int pidfd, int signo, int has_value, int64_t value)
{
    if (!sendable(signo))
        return signals_fail(EINVAL);
    if (!has_value)
        return (int)syscall(SYS_pidfd_send_signal, pidfd, signo, NULL, 0);
    /* What glibc's sigqueue fills in. The kernel refuses a caller-made siginfo with si_code >= 0 or
     * SI_TKILL for another process (they would pretend to be kill() or the kernel); SI_QUEUE is allowed. */
    siginfo_t info;
    memset(&info, 0, sizeof info);
    info.si_signo = signo;
    info.si_code = SI_QUEUE;
    info.si_pid = getpid();
    info.si_uid = getuid();
    info.si_value.sival_ptr = (void *)(intptr_t)value;
    return (int)syscall(SYS_pidfd_send_signal, pidfd, signo, &info, 0);
}

int signals_close(int fd)
{
    return close(fd);
}

int32_t signals_getpid(void)
{
    return getpid();
}

uint32_t signals_getuid(void)
{
    return getuid();
}

uint32_t signals_alarm(uint32_t seconds)
{
    return alarm(seconds);
}

static struct timeval to_timeval(int64_t us)
{
    return (struct timeval){.tv_sec = us / 1000000, .tv_usec = us % 1000000};
}

static int64_t from_timeval(struct timeval tv)
{
    return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

int signals_setitimer(int which, int64_t value_us, int64_t interval_us, int64_t *old_value_us,
                      int64_t *old_interval_us)
{
    if (value_us < 0 || interval_us < 0)
        return signals_fail(EINVAL);
    struct itimerval next = {.it_interval = to_timeval(interval_us), .it_value = to_timeval(value_us)};
    struct itimerval old;
    if (setitimer(which, &next, &old) != 0)
        return -1;
    if (old_value_us)
        *old_value_us = from_timeval(old.it_value);
    if (old_interval_us)
        *old_interval_us = from_timeval(old.it_interval);
    return 0;
}

int signals_getitimer(int which, int64_t *value_us, int64_t *interval_us)
{
    struct itimerval current;
    if (getitimer(which, &current) != 0)
        return -1;
    if (value_us)
        *value_us = from_timeval(current.it_value);
    if (interval_us)
        *interval_us = from_timeval(current.it_interval);
    return 0;
}

int signals_thread_mask(int how, uint64_t set, uint64_t *old_set)
{
    static const int hows[] = {SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK};
    if (how < 0 || how > 2)
        return signals_fail(EINVAL);
    sigset_t next, old;
    mask_to_set(set, &next);
    int error = pthread_sigmask(hows[how], &next, &old);
    if (error != 0)
        return signals_fail(error);
    if (old_set)
        *old_set = set_to_mask(&old);
    return 0;
}

int signals_pending(uint64_t *set)
{
    sigset_t pending;
    if (sigpending(&pending) != 0)
        return -1;
    if (set)
        *set = set_to_mask(&pending);
    return 0;
}

int signals_wait_info(uint64_t set, int64_t timeout_ns, signals_record *record)
{
    if (set == 0)
        return signals_fail(EINVAL);
    sigset_t wanted;
    mask_to_set(set, &wanted);
    siginfo_t info;
    int signo;
    if (timeout_ns < 0) {
        signo = sigwaitinfo(&wanted, &info);
    } else {
        struct timespec timeout = {.tv_sec = timeout_ns / 1000000000, .tv_nsec = timeout_ns % 1000000000};
        signo = sigtimedwait(&wanted, &info, &timeout);
    }
    if (signo > 0 && record)
        signals_fill_record(record, signo, &info);
    return signo;
}

int signals_pause(void)
{
    return pause();
}

int signals_rtmin(void)
{
    return SIGRTMIN;
}

int signals_rtmax(void)
{
    return SIGRTMAX;
}

uint64_t signals_valid_set(void)
{
    uint64_t mask = 0;
    for (int signo = 1; signo <= signals_rtmax(); signo++)
        if (signo < 32 || signo >= signals_rtmin())
            mask |= UINT64_C(1) << (signo - 1);
    return mask;
}

/* Names as bash's `kill -l` prints them: SIGRTMIN+n up to the middle, SIGRTMAX-n above it. */
int signals_name(int signo, char *buffer, int size)
{
    if (buffer == NULL || size <= 0)
        return signals_fail(EINVAL);
    int rtmin = signals_rtmin(), rtmax = signals_rtmax();
    int written;
    if (signo >= 1 && signo < 32 && signals_libc_abbreviation(signo) != NULL)
        written = snprintf(buffer, (size_t)size, "SIG%s", signals_libc_abbreviation(signo));
    else if (signo == rtmin)
        written = snprintf(buffer, (size_t)size, "SIGRTMIN");
    else if (signo == rtmax)
        written = snprintf(buffer, (size_t)size, "SIGRTMAX");
    else if (signo > rtmin && signo - rtmin <= (rtmax - rtmin) / 2)
        written = snprintf(buffer, (size_t)size, "SIGRTMIN+%d", signo - rtmin);
    else if (signo > rtmin && signo < rtmax)
        written = snprintf(buffer, (size_t)size, "SIGRTMAX-%d", rtmax - signo);
    else
        return signals_fail(EINVAL);
    return written < size ? written : signals_fail(ERANGE);
}

/* Real-time signals have no description in glibc's table; these are built once. */
static char realtime_descriptions[SIGNALS_MAX_SIGNO + 1][32];
static pthread_once_t realtime_descriptions_once = PTHREAD_ONCE_INIT;

static void build_realtime_descriptions(void)
{
    for (int signo = signals_rtmin(); signo <= signals_rtmax(); signo++)
        snprintf(realtime_descriptions[signo], sizeof realtime_descriptions[signo], "Real-time signal %d",
                 signo - signals_rtmin());
}

const char *signals_description(int signo)
{
    if (signo >= 1 && signo < 32 && signals_libc_description(signo) != NULL)
        return signals_libc_description(signo);
    if (signo >= signals_rtmin() && signo <= signals_rtmax()) {
        pthread_once(&realtime_descriptions_once, build_realtime_descriptions);
        return realtime_descriptions[signo];
    }
    errno = EINVAL;
    return NULL;
}
