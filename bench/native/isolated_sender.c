/*
 * isolated_sender — the isolated-signal latency sender: signals 2-10 ms apart at random, as a service
 * gets them, so every delivery finds the receiver asleep (no spin or warm cache from the previous one).
 *
 *   isolated_sender PID SIGNO ACK_FIFO SAMPLES SEED OUT_FILE
 *
 * For each sample: sleep 2-10 ms (uniform), read CLOCK_MONOTONIC, sigqueue(PID, SIGNO) with that send
 * time as the value, then block until the receiver writes 8 bytes into ACK_FIFO: its own CLOCK_MONOTONIC
 * reading at the start of its callback (same clock, same machine). The latency is the difference, so the
 * acknowledgement's own trip is not counted. One signal in flight at a time. SAMPLES latencies are written
 * to OUT_FILE as native int64 nanoseconds. An alarm ends the process if the receiver stops answering.
 */
#include "bench_common.h" /* first: it defines _GNU_SOURCE */

#include <signal.h>

static void read_exact(int fd, void *buffer, size_t size)
{
    char *bytes = buffer;
    while (size > 0) {
        ssize_t got = read(fd, bytes, size);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            fprintf(stderr, "isolated_sender: reading the acknowledgement failed: %s\n", strerror(errno));
            exit(2);
        }
        bytes += got;
        size -= (size_t)got;
    }
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: isolated_sender PID SIGNO ACK_FIFO SAMPLES SEED OUT_FILE\n");
        return 2;
    }
    pid_t pid = (pid_t)atoi(argv[1]);
    int signo = atoi(argv[2]);
    int ack = bench_open_fifo(argv[3]);
    long samples = atol(argv[4]);
    unsigned int seed = (unsigned int)strtoul(argv[5], NULL, 10);
    int64_t *latencies = calloc((size_t)samples, sizeof *latencies);
    if (latencies == NULL)
        return 2;

    for (long i = 0; i < samples; i++) {
        alarm(10);
        struct timespec gap = {0, 2000000L + (long)(rand_r(&seed) % 8000001)}; /* 2..10 ms */
        while (nanosleep(&gap, &gap) != 0 && errno == EINTR)
            ;
        int64_t sent = bench_now_ns();
        union sigval value = {.sival_ptr = (void *)(intptr_t)sent};
        if (sigqueue(pid, signo, value) != 0) {
            fprintf(stderr, "isolated_sender: sigqueue(%d, %d): %s\n", (int)pid, signo, strerror(errno));
            return 2;
        }
        int64_t received;
        read_exact(ack, &received, sizeof received);
        latencies[i] = received - sent;
    }
    alarm(0);

    FILE *out = fopen(argv[6], "wb");
    if (out == NULL || fwrite(latencies, sizeof *latencies, (size_t)samples, out) != (size_t)samples ||
        fclose(out) != 0) {
        fprintf(stderr, "isolated_sender: cannot write %s\n", argv[6]);
        return 2;
    }
    return 0;
}
