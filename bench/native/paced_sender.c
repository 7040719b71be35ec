/*
 * paced_sender — the CPU-per-signal sender: a steady stream at a fixed rate, as a busy service gets it.
 *
 *   paced_sender PID SIGNO RATE COUNT ACK_FIFO
 *
 * Queues COUNT real-time signals, one every 1/RATE s on an absolute CLOCK_MONOTONIC schedule (a late one
 * does not shift the rest), each with COUNT as its value (the receivers' flood handlers count up to it and
 * then write their 8-byte count into ACK_FIFO, as for flood_sender). Prints "sent=N received=N ns=T
 * eagain=N". The orchestrator reads the receiver's CPU time before and after.
 */
#include "bench_common.h" /* first: it defines _GNU_SOURCE */

#include <sched.h>
#include <signal.h>

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: paced_sender PID SIGNO RATE COUNT ACK_FIFO\n");
        return 2;
    }
    pid_t pid = (pid_t)atoi(argv[1]);
    int signo = atoi(argv[2]);
    long rate = atol(argv[3]);
    long count = atol(argv[4]);
    int ack = bench_open_fifo(argv[5]);
    if (rate <= 0 || count <= 0)
        return 2;
    long eagain = 0;
    int64_t period = 1000000000LL / rate;
    int64_t start = bench_now_ns();
    alarm(60);
    for (long i = 0; i < count; i++) {
        int64_t due = start + i * period;
        struct timespec at = {(time_t)(due / 1000000000LL), (long)(due % 1000000000LL)};
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL) == EINTR)
            ;
        union sigval value = {.sival_ptr = (void *)(intptr_t)count};
        while (sigqueue(pid, signo, value) != 0) {
            if (errno != EAGAIN) {
                fprintf(stderr, "paced_sender: sigqueue(%d, %d): %s\n", (int)pid, signo, strerror(errno));
                return 2;
            }
            eagain++;
            sched_yield();
        }
    }
    uint64_t received = 0;
    char *bytes = (char *)&received;
    size_t left = sizeof received;
    while (left > 0) {
        ssize_t got = read(ack, bytes, left);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return 2;
        bytes += got;
        left -= (size_t)got;
    }
    alarm(0);
    printf("sent=%ld received=%llu ns=%lld eagain=%ld\n", count, (unsigned long long)received,
           (long long)(bench_now_ns() - start), eagain);
    return received == (uint64_t)count ? 0 : 1;
}
