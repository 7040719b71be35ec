/* test_operations.c — race-free sending through a pidfd (pidfd_open + pidfd_send_signal, with and
 * without a value) and the per-signal choice between SA_RESTART and EINTR (signals_set_interrupt). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "util.h"

#define PIDFD_VALUE INT64_C(0x1234567890abcdef)

/* pidfd_open, or 0 with a note when this kernel or tool has no pidfd (ENOSYS: Linux before 5.3, or valgrind
 * before 3.20, which R6's memcheck run uses); the test then has nothing to check. Kills `child` then. */
static int open_pidfd(pid_t pid, pid_t child, int *pidfd)
{
    *pidfd = signals_pidfd_open(pid);
    if (*pidfd < 0 && errno == ENOSYS) {
        fprintf(stderr, "pidfd_open: ENOSYS here (old kernel or valgrind); nothing to test\n");
        if (child > 0) {
            kill(child, SIGKILL);
            waitpid(child, NULL, 0);
        }
        return 0;
    }
    CHECK(*pidfd >= 0);
    return 1;
}

TEST(pidfd_send_to_self_records_sender_and_value)
{
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    int pidfd;
    if (!open_pidfd(getpid(), 0, &pidfd))
        return;
    CHECK(fcntl(pidfd, F_GETFD) & FD_CLOEXEC); /* pidfd_open always sets it: a child never inherits it */

    CHECK_EQ(0, signals_pidfd_send(pidfd, SIGUSR1, 0, 0));
    signals_record plain = collect_one(SIGUSR1);
    CHECK_EQ(SI_USER, plain.code);
    CHECK_EQ(getpid(), plain.sender_pid);
    CHECK_EQ(getuid(), plain.sender_uid);
    CHECK(plain.value == 0);

    CHECK_EQ(0, signals_pidfd_send(pidfd, SIGUSR1, 1, PIDFD_VALUE));
    signals_record queued = collect_one(SIGUSR1);
    CHECK_EQ(SI_QUEUE, queued.code);
    CHECK_EQ(getpid(), queued.sender_pid);
    CHECK_EQ(getuid(), queued.sender_uid);
    CHECK(queued.value == PIDFD_VALUE); /* all 64 bits of sival_ptr */

    CHECK_ERRNO(EINVAL, signals_pidfd_send(pidfd, 65, 0, 0));
    CHECK_ERRNO(EINVAL, signals_pidfd_open(0));
    CHECK_ERRNO(EINVAL, signals_pidfd_open(-1));
    CHECK_EQ(0, signals_pidfd_send(pidfd, 0, 0, 0)); /* signal 0: the process is there */
    CHECK_EQ(0, signals_close(pidfd));
    CHECK_ERRNO(EBADF, signals_close(pidfd));
    CHECK_ERRNO(EBADF, signals_pidfd_send(pidfd, SIGUSR1, 0, 0));
    CHECK_EQ(0, signals_restore(SIGUSR1));
}

static int wait_for_queued_usr1(void *unused)
{
    (void)unused;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    siginfo_t info;
    if (sigwaitinfo(&set, &info) != SIGUSR1)
        return 10;
    if (info.si_code != SI_QUEUE)
        return 11;
    if ((int64_t)(intptr_t)info.si_value.sival_ptr != PIDFD_VALUE)
        return 12;
    return info.si_pid == getppid() ? 0 : 13;
}

/* The kernel refuses a caller-made siginfo with si_code >= 0 or SI_TKILL for another process, but
 * SI_QUEUE passes: the value reaches a child as sigqueue's would. */
TEST(pidfd_send_value_reaches_another_process)
{
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    CHECK_EQ(0, sigprocmask(SIG_BLOCK, &set, &old)); /* inherited: the child takes it with sigwaitinfo */
    pid_t child = spawn(wait_for_queued_usr1, NULL);
    CHECK_EQ(0, sigprocmask(SIG_SETMASK, &old, NULL));
    int pidfd;
    if (!open_pidfd(child, child, &pidfd))
        return;
    CHECK_EQ(0, signals_pidfd_send(pidfd, SIGUSR1, 1, PIDFD_VALUE));
    expect_exit(child, 0);
    CHECK_EQ(0, signals_close(pidfd));
}

static int sleep_until_killed(void *unused)
{
    (void)unused;
    for (;;)
        pause();
    return 1;
}

/* The point of a pidfd: once its process has exited and was reaped, sending through it fails with
 * ESRCH and reaches nobody, even if the pid has been given to a new process meanwhile. */
TEST(pidfd_of_reaped_process_is_esrch)
{
    pid_t child = spawn(sleep_until_killed, NULL);
    int pidfd;
    if (!open_pidfd(child, child, &pidfd))
        return;
    CHECK_EQ(0, signals_pidfd_send(pidfd, SIGTERM, 0, 0));
    int status = 0;
    CHECK_EQ(child, waitpid(child, &status, 0));
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    CHECK_ERRNO(ESRCH, signals_pidfd_send(pidfd, SIGTERM, 0, 0));
    CHECK_ERRNO(ESRCH, signals_pidfd_send(pidfd, SIGTERM, 1, 5));
    CHECK_ERRNO(ESRCH, signals_pidfd_send(pidfd, 0, 0, 0));
    CHECK_EQ(0, signals_close(pidfd));
}

/* --- siginterrupt ------------------------------------------------------------------------------- */

struct blocked_reader {
    int fd;
    _Atomic int32_t tid;
    _Atomic int done;
    ssize_t result;
    int error;
};

static void *read_one_byte(void *argument)
{
    struct blocked_reader *reader = argument;
    atomic_store(&reader->tid, signals_thread_id());
    char byte;
    reader->result = read(reader->fd, &byte, 1);
    reader->error = errno;
    atomic_store(&reader->done, 1);
    return NULL;
}

/* The thread's state in /proc/self/task/<tid>/stat: 'S' once it sleeps in read(2) (it does nothing
 * else after publishing its tid). */
static char thread_state(int32_t tid)
{
    char path[64], buffer[512];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", tid);
    FILE *file = fopen(path, "r");
    if (file == NULL)
        return '?';
    size_t length = fread(buffer, 1, sizeof buffer - 1, file);
    fclose(file);
    buffer[length] = '\0';
    char *end = strrchr(buffer, ')'); /* the name may hold spaces; the state follows ") " */
    return end != NULL && end[1] == ' ' ? end[2] : '?';
}

/* Starts a thread blocked in read(2) on an empty pipe, sends it SIGUSR1 with tgkill and waits until the
 * handler has recorded it (so the signal interrupted the read). */
static pthread_t interrupt_blocked_read(struct blocked_reader *reader, int fds[2])
{
    CHECK_EQ(0, pipe(fds));
    reader->fd = fds[0];
    pthread_t thread;
    CHECK_EQ(0, pthread_create(&thread, NULL, read_one_byte, reader));
    int64_t deadline = monotonic_ms() + DEADLINE_MS;
    while (atomic_load(&reader->tid) == 0 || thread_state(atomic_load(&reader->tid)) != 'S')
        CHECK(monotonic_ms() < deadline);
    CHECK_EQ(0, signals_thread_kill(atomic_load(&reader->tid), SIGUSR1));
    (void)collect_one(SIGUSR1);
    return thread;
}

TEST(set_interrupt_makes_blocked_read_fail_with_eintr)
{
    CHECK_EQ(0, signals_interrupt(SIGUSR1)); /* restart is the default */
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    CHECK(current_action(SIGUSR1).sa_flags & SA_RESTART);
    CHECK_EQ(0, signals_set_interrupt(SIGUSR1, 1)); /* applied at once to the installed action */
    CHECK_EQ(1, signals_interrupt(SIGUSR1));
    CHECK(!(current_action(SIGUSR1).sa_flags & SA_RESTART));

    struct blocked_reader reader = {0};
    int fds[2];
    pthread_t thread = interrupt_blocked_read(&reader, fds);
    int64_t deadline = monotonic_ms() + DEADLINE_MS;
    while (!atomic_load(&reader.done))
        CHECK(monotonic_ms() < deadline);
    CHECK_EQ(-1, (int)reader.result);
    CHECK_EQ(EINTR, reader.error);
    CHECK_EQ(0, pthread_join(thread, NULL));
    close(fds[0]);
    close(fds[1]);

    /* Remembered across a restore: the next install builds its action without SA_RESTART. */
    CHECK_EQ(0, signals_restore(SIGUSR1));
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    CHECK(!(current_action(SIGUSR1).sa_flags & SA_RESTART));
    CHECK_EQ(0, signals_set_interrupt(SIGUSR1, 0));
    CHECK(current_action(SIGUSR1).sa_flags & SA_RESTART);
    CHECK_EQ(0, signals_restore(SIGUSR1));
    CHECK_ERRNO(EINVAL, signals_set_interrupt(0, 1));
    CHECK_ERRNO(EINVAL, signals_set_interrupt(65, 1));
    CHECK_ERRNO(EINVAL, signals_interrupt(65));
}

TEST(without_interrupt_blocked_read_restarts)
{
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    CHECK_EQ(0, signals_set_interrupt(SIGUSR1, 0));
    struct blocked_reader reader = {0};
    int fds[2];
    pthread_t thread = interrupt_blocked_read(&reader, fds);
    /* The handler has run and returned (its record was read). Without SA_RESTART the read would have
     * failed with EINTR right on the handler's return, microseconds later; 200 ms is a thousandfold
     * margin, so a read still blocked then was restarted. */
    int64_t until = monotonic_ms() + 200;
    while (monotonic_ms() < until)
        CHECK(!atomic_load(&reader.done));
    CHECK_EQ(1, (int)write(fds[1], "x", 1));
    int64_t deadline = monotonic_ms() + DEADLINE_MS;
    while (!atomic_load(&reader.done))
        CHECK(monotonic_ms() < deadline);
    CHECK_EQ(1, (int)reader.result);
    CHECK_EQ(0, pthread_join(thread, NULL));
    close(fds[0]);
    close(fds[1]);
    CHECK_EQ(0, signals_restore(SIGUSR1));
}
