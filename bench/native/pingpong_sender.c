/*
 * pingpong_sender — the latency sender, a process of its own as in real use.
 *
 *   pingpong_sender PID SIGNO ACK_FIFO WARMUP SAMPLES OUT_FILE
 *
 * For each sample: read CLOCK_MONOTONIC, kill(PID, SIGNO), block until the receiver writes its
 * one-byte acknowledgement into ACK_FIFO, read the clock again. One signal is in flight at a time, so
 * nothing coalesces. The first WARMUP round trips are discarded; the next SAMPLES are written to
 * OUT_FILE as native int64 nanoseconds. A lost signal would block forever, so an alarm re-armed every
 * 1000 samples ends the process (exit by SIGALRM) if the receiver stops answering.
 */
#include "bench_common.h" /* first: it defines _GNU_SOURCE */

#include <signal.h>

static void read_ack(int fd)
{
    char byte;
    for (;;) {
        ssize_t got = read(fd, &byte, 1);
        if (got == 1)
            return;
        if (got < 0 && errno == EINTR)
            continue;
        fprintf(stderr, "pingpong_sender: reading the acknowledgement failed: %s\n", strerror(errno));
        exit(2);
    }
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: pingpong_sender PID SIGNO ACK_FIFO WARMUP SAMPLES OUT_FILE\n");
        return 2;
    }
    pid_t pid = (pid_t)atoi(argv[1]);
    int signo = atoi(argv[2]);
    int ack = bench_open_fifo(argv[3]);
    long warmup = atol(argv[4]), samples = atol(argv[5]);
    int64_t *round_trips = calloc((size_t)samples, sizeof *round_trips);
    if (round_trips == NULL)
        return 2;

    for (long i = 0; i < warmup + samples; i++) {
        if (i % 1000 == 0)
            alarm(10);
        int64_t start = bench_now_ns();
        if (kill(pid, signo) != 0) {
            fprintf(stderr, "pingpong_sender: kill(%d, %d): %s\n", (int)pid, signo, strerror(errno));
            return 2;
        }
        read_ack(ack);
        int64_t end = bench_now_ns();
        if (i >= warmup)
            round_trips[i - warmup] = end - start;
    }
    alarm(0);

    FILE *out = fopen(argv[6], "wb");
    if (out == NULL || fwrite(round_trips, sizeof *round_trips, (size_t)samples, out) != (size_t)samples ||
        fclose(out) != 0) {
        fprintf(stderr, "pingpong_sender: cannot write %s\n", argv[6]);
        return 2;
    }
    return 0;
}
