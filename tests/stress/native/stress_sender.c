/*
 * stress_sender.c — the sender processes of the reliability scenarios (tests/stress). Each mode sends
 * real signals to another process and prints one line of counts on stdout for the receiver to parse.
 *
 *   stress_sender queue PID SIGNO COUNT INDEX
 *       sigqueue(3) COUNT times; the value is (INDEX << 32) | sequence, so the receiver can attribute
 *       every record to its sender and spot duplicates. EAGAIN (the receiver's queue of pending signals,
 *       RLIMIT_SIGPENDING, is full) is retried: it is back-pressure, not a failure.
 *   stress_sender tgkill PID SIGNO COUNT TID[,TID...]
 *       tgkill(2) COUNT times, round-robin over the receiver's threads, so that every listed thread is
 *       interrupted in whatever blocking call it is making (the EINTR scenario).
 *   stress_sender pingpong PID PING PONG ROUNDS TIMEOUT_MS
 *       kill(PID, PING), then waits up to TIMEOUT_MS for PONG from PID, ROUNDS times. PING is a standard
 *       (coalescing) signal: a lost wake-up in the receiver shows up as an unanswered round.
 *
 * Output: "sent=N retries=R" (queue, tgkill) or "rounds=N unanswered=U foreign=F" (pingpong).
 * Exit status: 0 when every call succeeded, 1 on a system call failure, 2 on bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long parse_long(const char *text)
{
    char *end;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno != 0 || *end != '\0' || end == text) {
        fprintf(stderr, "stress_sender: not a number: %s\n", text);
        exit(2);
    }
    return value;
}

/* EAGAIN means the receiver has not caught up yet: let it run, then try again. */
static void back_off(unsigned long retries)
{
    if (retries % 64 == 63) {
        struct timespec pause = {.tv_sec = 0, .tv_nsec = 100000};
        nanosleep(&pause, NULL);
    } else {
        sched_yield();
    }
}

static int send_queued(pid_t pid, int signo, long count, long index)
{
    unsigned long retries = 0;
    for (long sequence = 0; sequence < count; sequence++) {
        union sigval value;
        memset(&value, 0, sizeof value);
        value.sival_ptr = (void *)(intptr_t)(((int64_t)index << 32) | (int64_t)sequence);
        while (sigqueue(pid, signo, value) != 0) {
            if (errno != EAGAIN) {
                fprintf(stderr, "stress_sender: sigqueue(%d, %d) after %ld: %s\n", pid, signo, sequence,
                        strerror(errno));
                printf("sent=%ld retries=%lu\n", sequence, retries);
                return 1;
            }
            back_off(retries++);
        }
    }
    printf("sent=%ld retries=%lu\n", count, retries);
    return 0;
}

static int send_to_threads(pid_t pid, int signo, long count, char *tid_list)
{
    pid_t tids[256];
    int tid_count = 0;
    for (char *token = strtok(tid_list, ","); token != NULL && tid_count < 256; token = strtok(NULL, ","))
        tids[tid_count++] = (pid_t)parse_long(token);
    if (tid_count == 0)
        return 2;
    unsigned long retries = 0;
    for (long sent = 0; sent < count; sent++) {
        pid_t tid = tids[sent % tid_count];
        while (syscall(SYS_tgkill, pid, tid, signo) != 0) {
            if (errno != EAGAIN) {
                fprintf(stderr, "stress_sender: tgkill(%d, %d, %d) after %ld: %s\n", pid, tid, signo, sent,
                        strerror(errno));
                printf("sent=%ld retries=%lu\n", sent, retries);
                return 1;
            }
            back_off(retries++);
        }
    }
    printf("sent=%ld retries=%lu\n", count, retries);
    return 0;
}

static int ping_pong(pid_t pid, int ping, int pong, long rounds, long timeout_ms)
{
    sigset_t pong_set;
    sigemptyset(&pong_set);
    sigaddset(&pong_set, pong);
    /* Blocked so that the answer stays pending until sigtimedwait takes it: none can slip by unseen. */
    sigprocmask(SIG_BLOCK, &pong_set, NULL);
    long unanswered = 0, foreign = 0;
    for (long round = 0; round < rounds; round++) {
        if (kill(pid, ping) != 0) {
            fprintf(stderr, "stress_sender: kill(%d, %d) in round %ld: %s\n", pid, ping, round, strerror(errno));
            printf("rounds=%ld unanswered=%ld foreign=%ld\n", round, unanswered + (rounds - round), foreign);
            return 1;
        }
        struct timespec timeout = {.tv_sec = timeout_ms / 1000, .tv_nsec = (timeout_ms % 1000) * 1000000};
        siginfo_t info;
        int got;
        do
            got = sigtimedwait(&pong_set, &info, &timeout);
        while (got < 0 && errno == EINTR);
        if (got < 0) {
            unanswered++;
            fprintf(stderr, "stress_sender: round %ld unanswered after %ld ms\n", round, timeout_ms);
        } else if (info.si_pid != pid) {
            foreign++; /* an answer from someone else does not count as the receiver's */
        }
    }
    printf("rounds=%ld unanswered=%ld foreign=%ld\n", rounds, unanswered, foreign);
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 6 && strcmp(argv[1], "queue") == 0)
        return send_queued((pid_t)parse_long(argv[2]), (int)parse_long(argv[3]), parse_long(argv[4]),
                           parse_long(argv[5]));
    if (argc == 6 && strcmp(argv[1], "tgkill") == 0)
        return send_to_threads((pid_t)parse_long(argv[2]), (int)parse_long(argv[3]), parse_long(argv[4]), argv[5]);
    if (argc == 7 && strcmp(argv[1], "pingpong") == 0)
        return ping_pong((pid_t)parse_long(argv[2]), (int)parse_long(argv[3]), (int)parse_long(argv[4]),
                         parse_long(argv[5]), parse_long(argv[6]));
    fprintf(stderr, "usage: stress_sender queue PID SIGNO COUNT INDEX | tgkill PID SIGNO COUNT TIDS |"
                    " pingpong PID PING PONG ROUNDS TIMEOUT_MS\n");
    return 2;
}
