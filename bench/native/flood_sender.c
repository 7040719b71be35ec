/*
 * flood_sender — the throughput sender: several processes queue real-time signals as fast as they can.
 *
 *   flood_sender PID SIGNO SENDERS PER_SENDER ACK_FIFO
 *
 * Forks SENDERS children that wait on a start line, then each sigqueue()s PER_SENDER signals carrying
 * the burst's total (SENDERS * PER_SENDER) as si_value, so the receiver knows when it has them all.
 * EAGAIN (the kernel's queue of pending signals is full) is retried after sched_yield(): a flood sender
 * must not give up, and on 2 cores a busy retry would starve the receiver it waits for. The receiver
 * answers with its count (8 bytes) once it reached the total; a 60 s deadline catches losses.
 * Prints: sent=<n> received=<n> ns=<first send to acknowledgement> eagain=<retries> start_ns=<CLOCK_MONOTONIC>
 *
 * ACK_FIFO "-": the receiver cannot acknowledge a total (PosixSignalRegistration sees no si_value and may
 * see fewer deliveries than were sent): the sender returns once every child has sent, with received=0 and ns
 * up to then; the orchestrator asks the receiver for its count and the time of its last delivery.
 */
#include "bench_common.h" /* first: it defines _GNU_SOURCE */

#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>

static void sender(pid_t pid, int signo, long count, long total, int start_fd, int result_fd)
{
    char go;
    while (read(start_fd, &go, 1) < 0 && errno == EINTR)
        ;
    union sigval value = {.sival_ptr = (void *)(intptr_t)total};
    uint64_t eagain = 0;
    for (long i = 0; i < count; i++) {
        while (sigqueue(pid, signo, value) != 0) {
            if (errno != EAGAIN) {
                fprintf(stderr, "flood_sender: sigqueue(%d, %d): %s\n", (int)pid, signo, strerror(errno));
                _exit(2);
            }
            eagain++;
            sched_yield();
        }
    }
    bench_write_all(result_fd, &eagain, sizeof eagain);
    _exit(0);
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: flood_sender PID SIGNO SENDERS PER_SENDER ACK_FIFO\n");
        return 2;
    }
    pid_t pid = (pid_t)atoi(argv[1]);
    int signo = atoi(argv[2]);
    int senders = atoi(argv[3]);
    long per_sender = atol(argv[4]);
    long total = senders * per_sender;
    int acknowledged = strcmp(argv[5], "-") != 0;
    int ack = acknowledged ? bench_open_fifo(argv[5]) : -1;

    int start[2], results[2];
    if (pipe(start) != 0 || pipe(results) != 0)
        return 2;
    for (int i = 0; i < senders; i++) {
        pid_t child = fork();
        if (child < 0)
            return 2;
        if (child == 0) {
            close(start[1]);
            sender(pid, signo, per_sender, total, start[0], results[1]);
        }
    }
    close(start[0]);
    close(results[1]);

    /* Closing the start line wakes every child at once (their read returns 0). */
    int64_t began = bench_now_ns();
    close(start[1]);

    uint64_t received = 0;
    struct pollfd ready = {.fd = ack, .events = POLLIN};
    int answered = !acknowledged ||
                   (poll(&ready, 1, 60000) == 1 && read(ack, &received, sizeof received) == sizeof received);
    int64_t ended = bench_now_ns();

    uint64_t eagain = 0, child_eagain;
    while (read(results[0], &child_eagain, sizeof child_eagain) == sizeof child_eagain)
        eagain += child_eagain;
    if (!acknowledged)
        ended = bench_now_ns(); /* every child has sent (their result pipes are closed) */
    int failed = 0, status;
    while (wait(&status) > 0)
        failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;

    printf("sent=%ld received=%llu ns=%lld eagain=%llu start_ns=%lld\n", total, (unsigned long long)received,
           (long long)(ended - began), (unsigned long long)eagain, (long long)began);
    if (!answered)
        fprintf(stderr, "flood_sender: no acknowledgement within 60 s (signals lost?)\n");
    return failed || !answered ? 1 : 0;
}
