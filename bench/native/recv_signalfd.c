/*
 * recv_signalfd — the other synchronous floor for isolated signals: SIGUSR2 blocked in every thread,
 * one thread reading a signalfd. No handler, no pipe. It answers each delivery with its CLOCK_MONOTONIC
 * reading (8 bytes) on ACK_FIFO, as every isolated-signal receiver does.
 *
 *   recv_signalfd ACK_FIFO
 */
#include "bench_common.h" /* first: it defines _GNU_SOURCE */

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/signalfd.h>

static int ack_fd, signal_fd;
static _Atomic uint64_t received;

static void *reader(void *unused)
{
    (void)unused;
    struct signalfd_siginfo info;
    for (;;) {
        ssize_t got = read(signal_fd, &info, sizeof info);
        if (got < 0 && errno == EINTR)
            continue;
        if (got != (ssize_t)sizeof info)
            return NULL;
        int64_t now = bench_now_ns();
        atomic_fetch_add(&received, 1);
        bench_write_all(ack_fd, &now, sizeof now);
    }
}

static uint64_t received_count(void) { return atomic_load(&received); }

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: recv_signalfd ACK_FIFO\n");
        return 2;
    }
    ack_fd = bench_open_fifo(argv[1]);
    sigset_t waited;
    sigemptyset(&waited);
    sigaddset(&waited, SIGUSR2);
    /* Blocked before the thread exists, so every thread inherits the mask. */
    if (pthread_sigmask(SIG_BLOCK, &waited, NULL) != 0 || (signal_fd = signalfd(-1, &waited, SFD_CLOEXEC)) < 0)
        return 2;
    pthread_t thread;
    if (pthread_create(&thread, NULL, reader, NULL) != 0)
        return 2;
    bench_control_loop(received_count);
    return 0;
}
