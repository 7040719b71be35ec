/*
 * recv_sigwait — the synchronous alternative: SIGUSR1 blocked in every thread, one dedicated thread
 * in sigwaitinfo() that acknowledges each delivery. No handler, no pipe: the kernel hands the signal
 * straight to the waiting thread.
 *
 *   recv_sigwait ACK_FIFO
 */
#include "bench_common.h" /* first: it defines _GNU_SOURCE */

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>

static int ack_fd;
static sigset_t waited;
static _Atomic uint64_t received;

static void *waiter(void *unused)
{
    (void)unused;
    siginfo_t info;
    for (;;) {
        if (sigwaitinfo(&waited, &info) < 0)
            continue; /* EINTR */
        atomic_fetch_add(&received, 1);
        bench_write_all(ack_fd, "a", 1);
    }
    return NULL;
}

static uint64_t received_count(void) { return atomic_load(&received); }

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: recv_sigwait ACK_FIFO\n");
        return 2;
    }
    ack_fd = bench_open_fifo(argv[1]);
    /* Blocked before the thread exists, so every thread inherits the mask and none takes the signal. */
    sigemptyset(&waited);
    sigaddset(&waited, SIGUSR1);
    if (pthread_sigmask(SIG_BLOCK, &waited, NULL) != 0)
        return 2;
    pthread_t thread;
    if (pthread_create(&thread, NULL, waiter, NULL) != 0)
        return 2;
    bench_control_loop(received_count);
    return 0;
}
