#define _GNU_SOURCE
#include "util.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

int64_t monotonic_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

int64_t monotonic_ms(void)
{
    return monotonic_ns() / 1000000;
}

void sleep_ms(int ms)
{
    struct timespec duration = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};
    while (nanosleep(&duration, &duration) != 0 && errno == EINTR) {
    }
}

static void add_records(int signo, const signals_record *records, int count, struct collected *out)
{
    for (int i = 0; i < count; i++) {
        const signals_record *record = &records[i];
        if (signo != 0 && record->signo != signo) {
            fprintf(stderr, "unexpected record: signo %d code %d (waiting for signal %d)\n", record->signo,
                    record->code, signo);
            exit(1);
        }
        CHECK_EQ(0, record->reserved & ~SIGNALS_RECORD_HANDLED); /* no bit the header does not define */
        if (record->coalesced > 0) {
            CHECK_EQ(SIGNALS_CODE_COALESCED, record->code);
            out->coalesced += record->coalesced;
            out->coalesced_records++;
            out->deliveries += record->coalesced;
        } else {
            CHECK(record->code != SIGNALS_CODE_COALESCED);
            if (out->stored < (int)(sizeof out->record / sizeof out->record[0]))
                out->record[out->stored++] = *record;
            out->records++;
            out->deliveries++;
        }
    }
}

void collect(int signo, uint64_t deliveries, struct collected *out)
{
    memset(out, 0, sizeof *out);
    int64_t deadline = monotonic_ms() + DEADLINE_MS;
    static signals_record records[256];
    while (out->deliveries < deliveries) {
        int64_t left = deadline - monotonic_ms();
        if (left <= 0) {
            fprintf(stderr, "timed out after %d ms: read %llu of %llu deliveries of signal %d\n", DEADLINE_MS,
                    (unsigned long long)out->deliveries, (unsigned long long)deliveries, signo);
            exit(1);
        }
        int ready = signals_wait((int)left);
        CHECK(ready >= 0);
        int count = signals_read(records, 256);
        CHECK(count >= 0);
        add_records(signo, records, count, out);
    }
    CHECK_EQ(deliveries, out->deliveries);
}

signals_record collect_one(int signo)
{
    struct collected got;
    collect(signo, 1, &got);
    CHECK_EQ(1, got.records);
    expect_nothing_more();
    return got.record[0];
}

void expect_nothing_more(void)
{
    signals_record record;
    int count = signals_read(&record, 1);
    if (count != 0)
        fprintf(stderr, "unexpected record: signo %d code %d coalesced %u\n", record.signo, record.code,
                record.coalesced);
    CHECK_EQ(0, count);
}

void drain_all(struct collected *out)
{
    memset(out, 0, sizeof *out);
    static signals_record records[1024];
    /* Ordinary records first; coalesced ones only once the pipe is empty; then 0. */
    for (;;) {
        int count = signals_read(records, 1024);
        CHECK(count >= 0);
        if (count == 0)
            return;
        add_records(0, records, count, out);
    }
}

_Atomic uint64_t foreign_calls;
_Atomic int foreign_last_signo;
_Atomic int foreign_last_code;
_Atomic int foreign_errno_on_entry;
_Atomic int foreign_clobbers_errno;

void foreign_siginfo_handler(int signo, siginfo_t *info, void *ucontext)
{
    (void)ucontext;
    atomic_store(&foreign_errno_on_entry, errno);
    atomic_store(&foreign_last_signo, signo);
    atomic_store(&foreign_last_code, info->si_code);
    atomic_fetch_add(&foreign_calls, 1);
    if (atomic_load(&foreign_clobbers_errno))
        errno = EIO;
}

void foreign_plain_handler(int signo)
{
    atomic_store(&foreign_errno_on_entry, errno);
    atomic_store(&foreign_last_signo, signo);
    atomic_fetch_add(&foreign_calls, 1);
    if (atomic_load(&foreign_clobbers_errno))
        errno = EIO;
}

void set_foreign_siginfo(int signo)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = foreign_siginfo_handler;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    CHECK_EQ(0, sigaction(signo, &action, NULL));
}

void set_foreign_plain(int signo)
{
    set_action(signo, foreign_plain_handler);
}

void set_action(int signo, void (*handler)(int))
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    action.sa_flags = SA_RESTART;
    CHECK_EQ(0, sigaction(signo, &action, NULL));
}

struct sigaction current_action(int signo)
{
    struct sigaction action;
    CHECK_EQ(0, sigaction(signo, NULL, &action));
    return action;
}

static struct sigaction chainer_saved_actions[CHAINERS][65];
static _Atomic uint64_t chainer_call_counts[CHAINERS][65];

static void chain_to(const struct sigaction *saved, int signo, siginfo_t *info, void *ucontext)
{
    if (saved->sa_flags & SA_SIGINFO) {
        if ((void *)saved->sa_sigaction != (void *)SIG_DFL && (void *)saved->sa_sigaction != (void *)SIG_IGN)
            saved->sa_sigaction(signo, info, ucontext);
    } else if (saved->sa_handler != SIG_DFL && saved->sa_handler != SIG_IGN) {
        saved->sa_handler(signo);
    }
}

static void chainer0(int signo, siginfo_t *info, void *ucontext)
{
    atomic_fetch_add(&chainer_call_counts[0][signo], 1);
    chain_to(&chainer_saved_actions[0][signo], signo, info, ucontext);
}

static void chainer1(int signo, siginfo_t *info, void *ucontext)
{
    atomic_fetch_add(&chainer_call_counts[1][signo], 1);
    chain_to(&chainer_saved_actions[1][signo], signo, info, ucontext);
}

static void (*const chainers[CHAINERS])(int, siginfo_t *, void *) = {chainer0, chainer1};

void chainer_install(int which, int signo)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = chainers[which];
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    CHECK_EQ(0, sigaction(signo, &action, &chainer_saved_actions[which][signo]));
}

int chainer_on_top(int which, int signo)
{
    struct sigaction current = current_action(signo);
    return (current.sa_flags & SA_SIGINFO) && current.sa_sigaction == chainers[which];
}

int chainer_remove(int which, int signo)
{
    if (!chainer_on_top(which, signo))
        return 0;
    CHECK_EQ(0, sigaction(signo, &chainer_saved_actions[which][signo], NULL));
    return 1;
}

uint64_t chainer_calls(int which, int signo)
{
    return atomic_load(&chainer_call_counts[which][signo]);
}

struct sigaction chainer_saved(int which, int signo)
{
    return chainer_saved_actions[which][signo];
}

pid_t spawn(int (*child)(void *), void *argument)
{
    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(child(argument));
    return pid;
}

void expect_exit(pid_t pid, int code)
{
    int status;
    pid_t result;
    while ((result = waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
    }
    CHECK_EQ(pid, result);
    if (!WIFEXITED(status))
        fprintf(stderr, "child %d did not exit normally (status 0x%x)\n", (int)pid, status);
    CHECK(WIFEXITED(status));
    CHECK_EQ(code, WEXITSTATUS(status));
}

static int compare_ints(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

int open_fds(int *fds, int max)
{
    DIR *dir = opendir("/proc/self/fd");
    CHECK(dir != NULL);
    int own = dirfd(dir), count = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        int fd = atoi(entry->d_name);
        if (fd == own)
            continue;
        CHECK(count < max);
        fds[count++] = fd;
    }
    closedir(dir);
    qsort(fds, (size_t)count, sizeof *fds, compare_ints);
    return count;
}

int threads_named(const char *name)
{
    DIR *dir = opendir("/proc/self/task");
    CHECK(dir != NULL);
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        char path[300], comm[32] = "";
        snprintf(path, sizeof path, "/proc/self/task/%s/comm", entry->d_name);
        FILE *file = fopen(path, "r");
        if (file == NULL)
            continue; /* the thread ended meanwhile */
        if (fgets(comm, sizeof comm, file) != NULL)
            comm[strcspn(comm, "\n")] = '\0';
        fclose(file);
        count += strcmp(comm, name) == 0;
    }
    closedir(dir);
    return count;
}
