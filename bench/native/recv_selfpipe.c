/*
 * recv_selfpipe — the floor: the least a self-pipe design can do.
 *
 *   recv_selfpipe ACK_FIFO FLOOD_SIGNO [IDLE_THREADS]
 *
 * SIGUSR1's handler writes one byte ('p') into a non-blocking pipe; a reader thread reads it and writes
 * the one-byte acknowledgement. The flood signal's handler counts atomically, remembers the burst total
 * from si_value and writes 'f' (EAGAIN ignored: a full pipe means the reader is already awake, and the
 * count is in the atomic, incremented before the write). The reader answers a burst with its count
 * once the count reaches the total. SIGUSR2 (the isolated-signal row) writes 'i'; the reader answers it
 * with its CLOCK_MONOTONIC reading right after read(2) returned (8 bytes). stdin/stdout: the control
 * protocol of bench_common.h.
 *
 * IDLE_THREADS extra threads sleep in pause() without blocking signals, as a .NET process's runtime threads
 * do: under a flood the kernel spreads the deliveries over every such thread and wakes each one, so the
 * suite compares a .NET receiver with this floor at the same thread count as well.
 */
#include "bench_common.h" /* first: it defines _GNU_SOURCE */

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>

static int wake_pipe[2];
static int ack_fd;
static _Atomic uint64_t flood_count, flood_total, received;

static void on_ping(int signo)
{
    int saved_errno = errno;
    char byte = signo == SIGUSR2 ? 'i' : 'p';
    (void)!write(wake_pipe[1], &byte, 1);
    errno = saved_errno;
}

static void on_flood(int signo, siginfo_t *info, void *context)
{
    (void)signo, (void)context;
    int saved_errno = errno;
    atomic_store_explicit(&flood_total, (uint64_t)(intptr_t)info->si_value.sival_ptr, memory_order_relaxed);
    atomic_fetch_add_explicit(&flood_count, 1, memory_order_release);
    char byte = 'f';
    (void)!write(wake_pipe[1], &byte, 1);
    errno = saved_errno;
}

static void *reader(void *unused)
{
    (void)unused;
    char buffer[4096];
    for (;;) {
        ssize_t got = read(wake_pipe[0], buffer, sizeof buffer);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return NULL;
        int64_t now = bench_now_ns();
        for (ssize_t i = 0; i < got; i++) {
            if (buffer[i] == 'p') {
                atomic_fetch_add(&received, 1);
                bench_write_all(ack_fd, "a", 1);
            } else if (buffer[i] == 'i') {
                atomic_fetch_add(&received, 1);
                bench_write_all(ack_fd, &now, sizeof now);
            }
        }
        uint64_t total = atomic_load(&flood_total);
        uint64_t count = atomic_load_explicit(&flood_count, memory_order_acquire);
        if (total > 0 && count >= total) {
            atomic_fetch_sub(&flood_count, total);
            atomic_fetch_add(&received, total);
            bench_write_all(ack_fd, &count, sizeof count);
        }
    }
}

static void *idle_thread(void *unused)
{
    (void)unused;
    for (;;)
        pause();
    return NULL;
}

static uint64_t received_count(void) { return atomic_load(&received); }

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: recv_selfpipe ACK_FIFO FLOOD_SIGNO [IDLE_THREADS]\n");
        return 2;
    }
    ack_fd = bench_open_fifo(argv[1]);
    /* The reader blocks in read(); only the handlers' side must never block. */
    if (pipe2(wake_pipe, O_CLOEXEC) != 0 || fcntl(wake_pipe[1], F_SETFL, O_NONBLOCK) != 0)
        return 2;

    struct sigaction ping = {.sa_handler = on_ping, .sa_flags = SA_RESTART};
    struct sigaction flood = {.sa_sigaction = on_flood, .sa_flags = SA_SIGINFO | SA_RESTART};
    if (sigaction(SIGUSR1, &ping, NULL) != 0 || sigaction(SIGUSR2, &ping, NULL) != 0 || sigaction(atoi(argv[2]), &flood, NULL) != 0)
        return 2;

    pthread_t thread;
    for (int i = 0; argc == 4 && i < atoi(argv[3]); i++)
        if (pthread_create(&thread, NULL, idle_thread, NULL) != 0)
            return 2;
    if (pthread_create(&thread, NULL, reader, NULL) != 0)
        return 2;
    bench_control_loop(received_count);
    return 0;
}
