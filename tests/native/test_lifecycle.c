/* test_lifecycle.c — fork, reset after fork, shutdown and re-init, the wake channel's file descriptors. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "util.h"

/* In the child: the inherited handler runs but records nothing, in either ring. */
static int raise_in_child(void *unused)
{
    (void)unused;
    if (raise(SIGUSR1) != 0)
        return 40;
    uint64_t delivered = 1;
    if (signals_counters(SIGUSR1, &delivered, NULL) != 0 || delivered != 0)
        return 41;
    if (signals_disposition(SIGUSR1) != SIGNALS_DISPOSITION_OURS)
        return 42;
    return 0;
}

TEST(fork_child_records_nothing)
{
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    pid_t child = spawn(raise_in_child, NULL);
    expect_exit(child, 0);
    /* The child's handler ran before its raise returned, i.e. before it exited and before waitpid
     * returned here; and the parent's ring is not the child's memory anyway. */
    expect_nothing_more();
    /* The parent still records. */
    CHECK_EQ(0, raise(SIGUSR1));
    signals_record record = collect_one(SIGUSR1);
    CHECK_EQ(getpid(), record.sender_pid);
    CHECK_EQ(0, signals_restore(SIGUSR1));
}

/* In the child: reset, then its own deliveries are recorded in its own ring. */
static int reset_and_record(void *unused)
{
    (void)unused;
    CHECK_EQ(0, raise(SIGUSR1)); /* before the reset: nothing */
    CHECK_EQ(0, signals_reset_after_fork());
    expect_nothing_more();
    CHECK_EQ(SIGNALS_DISPOSITION_OURS, signals_disposition(SIGUSR1)); /* handlers stay */
    CHECK_EQ(SIGNALS_POLICY_HANDLE, signals_policy(SIGUSR1));
    CHECK_EQ(0, raise(SIGUSR1));
    signals_record record = collect_one(SIGUSR1);
    CHECK_EQ(getpid(), record.sender_pid);
    CHECK_EQ(SI_TKILL, record.code);
    uint64_t delivered;
    CHECK_EQ(0, signals_counters(SIGUSR1, &delivered, NULL));
    CHECK_EQ(1, delivered);
    CHECK_EQ(0, signals_restore(SIGUSR1));
    CHECK_EQ(SIGNALS_DISPOSITION_DEFAULT, signals_disposition(SIGUSR1));
    return 0;
}

TEST(reset_after_fork_records_own)
{
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    int parent_fd = signals_read_fd();
    CHECK(parent_fd >= 0);
    pid_t child = spawn(reset_and_record, NULL);
    expect_exit(child, 0);
    /* The child exited after writing its records, so anything it put in our pipe would be here. */
    expect_nothing_more();
    CHECK_EQ(parent_fd, signals_read_fd());
    CHECK_EQ(0, raise(SIGUSR1));
    collect_one(SIGUSR1);
    CHECK_EQ(0, signals_restore(SIGUSR1));
}

/* --- shutdown ------------------------------------------------------------------------------------ */

/* The descriptors signals_init() opens: the ones in `after` that are not in `before`. */
static int new_fds(const int *before, int before_count, const int *after, int after_count, int *out)
{
    int count = 0;
    for (int i = 0; i < after_count; i++) {
        int found = 0;
        for (int j = 0; j < before_count; j++)
            found |= after[i] == before[j];
        if (!found)
            out[count++] = after[i];
    }
    return count;
}

TEST(shutdown_restores_and_closes)
{
    int before[256], after[256], opened[256];
    int before_count = open_fds(before, 256);
    CHECK_EQ(0, signals_init());
    CHECK_EQ(0, signals_init()); /* idempotent */
    int after_count = open_fds(after, 256);
    CHECK_EQ(before_count + 2, after_count); /* the wake channel's two ends */
    CHECK_EQ(2, new_fds(before, before_count, after, after_count, opened));

    set_foreign_siginfo(SIGUSR2);
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    CHECK_EQ(0, signals_install(SIGUSR2, SIGNALS_POLICY_OBSERVE));
    CHECK_EQ(0, raise(SIGUSR1)); /* recorded, not read before the shutdown */
    CHECK_EQ(0, signals_shutdown());

    CHECK_EQ(SIGNALS_DISPOSITION_DEFAULT, signals_disposition(SIGUSR1));
    CHECK(current_action(SIGUSR2).sa_sigaction == foreign_siginfo_handler);
    CHECK_EQ(0, signals_policy(SIGUSR1));
    CHECK_EQ(0, signals_policy(SIGUSR2));
    CHECK_EQ(before_count, open_fds(after, 256));
    for (int i = 0; i < 2; i++) {
        errno = 0;
        CHECK_EQ(-1, fcntl(opened[i], F_GETFD));
        CHECK_EQ(EBADF, errno);
    }
    CHECK_ERRNO(EBADF, signals_wake()); /* nothing to wake */
    CHECK_EQ(0, signals_shutdown());    /* idempotent */
    CHECK_EQ(before_count, open_fds(after, 256));

    /* The record from before the shutdown is not lost with the channel: it is still in the ring, for the
     * caller to hand on (the C# Shutdown re-raises it to the restored action), and reading it opens nothing. */
    signals_record unread;
    CHECK_EQ(1, signals_read(&unread, 1));
    expect_nothing_more();
    CHECK_EQ(SI_TKILL, unread.code);
    CHECK_EQ(SIGNALS_RECORD_HANDLED, unread.reserved);
    CHECK_EQ(before_count, open_fds(after, 256));

    /* The library works again: the channel is re-created, counters start from zero. */
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    CHECK_EQ(before_count + 2, open_fds(after, 256));
    CHECK_EQ(0, raise(SIGUSR1));
    signals_record record = collect_one(SIGUSR1);
    CHECK_EQ(SI_TKILL, record.code);
    uint64_t delivered;
    CHECK_EQ(0, signals_counters(SIGUSR1, &delivered, NULL));
    CHECK_EQ(1, delivered);
    CHECK_EQ(0, signals_wake());
    CHECK_EQ(1, signals_wait(DEADLINE_MS));
    CHECK_EQ(0, signals_shutdown());
    CHECK_EQ(before_count, open_fds(after, 256));
    CHECK_EQ(SIGNALS_DISPOSITION_DEFAULT, signals_disposition(SIGUSR1));
}

TEST(channel_fds_are_cloexec_and_nonblocking)
{
    int before[256], after[256], opened[256];
    int before_count = open_fds(before, 256);
    CHECK_EQ(0, signals_init());
    int after_count = open_fds(after, 256);
    CHECK_EQ(2, new_fds(before, before_count, after, after_count, opened));
    int read_fd = signals_read_fd();
    int has_read_fd = 0;
    for (int i = 0; i < 2; i++) {
        has_read_fd |= opened[i] == read_fd;
        int fd_flags = fcntl(opened[i], F_GETFD);
        CHECK(fd_flags >= 0);
        CHECK(fd_flags & FD_CLOEXEC);
        int status_flags = fcntl(opened[i], F_GETFL);
        CHECK(status_flags >= 0);
        if (opened[i] == read_fd)
            CHECK(!(status_flags & O_NONBLOCK)); /* blocking, as a C poll loop expects of signals_read_fd() */
        else
            CHECK(status_flags & O_NONBLOCK); /* the handler's wake byte must never block */
    }
    CHECK(has_read_fd);

    /* And really: a program started with exec does not have them. */
    char arguments[2][16];
    for (int i = 0; i < 2; i++)
        snprintf(arguments[i], sizeof arguments[i], "%d", opened[i]);
    fflush(NULL);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        execl("/bin/sh", "sh", "-c", "for fd in \"$@\"; do [ -e /proc/$$/fd/$fd ] && exit 1; done; exit 0", "sh",
              arguments[0], arguments[1], (char *)NULL);
        _exit(127);
    }
    expect_exit(child, 0);
}
