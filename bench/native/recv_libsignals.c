/*
 * recv_libsignals — a diagnostic receiver: libsignals' handler and reader API from C, without .NET.
 * It tells how much of our cost is the native handler and reader and how much the managed dispatcher.
 *
 *   recv_libsignals ACK_FIFO FLOOD_SIGNO [IDLE_THREADS]
 *
 * The reader thread runs the loop of managed/Signals/Dispatch/SignalDispatcher.cs, call for call: all
 * signals blocked, then signals_read_wait(records, 256, -1) (sleep in read(2); no spin, the default) forever. SIGUSR1
 * is acknowledged one by one; SIGUSR2 (isolated signals) with the reader's clock reading when it takes the
 * record, as recv_selfpipe does; the flood signal as the burst total the sender puts in si_value.
 *
 * IDLE_THREADS extra threads sleep in pause() without blocking signals, as a .NET process's runtime
 * threads do: the kernel hands a process-directed signal to a thread that has none pending, so under a
 * flood the deliveries spread over every such thread, each one woken separately.
 */
#include "bench_common.h" /* first: it defines _GNU_SOURCE */

#include <pthread.h>
#include <unistd.h>
#include <signal.h>
#include <stdatomic.h>

#include "signals.h"

enum { BATCH = 256 };

static int ack_fd;
static int flood_signo;
static _Atomic uint64_t received;

static void *dispatcher(void *unused)
{
    (void)unused;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL); /* as the managed dispatcher: signals land elsewhere */
    signals_record records[BATCH];
    uint64_t flood_count = 0, flood_total = 0;
    for (;;) {
        int count = signals_read_wait(records, BATCH, -1);
        for (int i = 0; i < count; i++) {
            if (records[i].signo == SIGUSR1) {
                atomic_fetch_add(&received, 1);
                bench_write_all(ack_fd, "a", 1);
                continue;
            }
            if (records[i].signo == SIGUSR2) {
                int64_t now = bench_now_ns();
                atomic_fetch_add(&received, 1);
                bench_write_all(ack_fd, &now, sizeof now);
                continue;
            }
            flood_count += records[i].coalesced ? records[i].coalesced : 1;
            if (!records[i].coalesced)
                flood_total = (uint64_t)records[i].value;
            if (flood_total > 0 && flood_count >= flood_total) {
                atomic_fetch_add(&received, flood_total);
                bench_write_all(ack_fd, &flood_count, sizeof flood_count);
                flood_count -= flood_total;
            }
        }
    }
    return NULL;
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
        fprintf(stderr, "usage: recv_libsignals ACK_FIFO FLOOD_SIGNO [IDLE_THREADS]\n");
        return 2;
    }
    ack_fd = bench_open_fifo(argv[1]);
    flood_signo = atoi(argv[2]);
    if (signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE) != 0 || signals_install(SIGUSR2, SIGNALS_POLICY_HANDLE) != 0 ||
        signals_install(flood_signo, SIGNALS_POLICY_HANDLE) != 0)
        return 2;
    pthread_t thread;
    for (int i = 0; argc == 4 && i < atoi(argv[3]); i++)
        if (pthread_create(&thread, NULL, idle_thread, NULL) != 0)
            return 2;
    if (pthread_create(&thread, NULL, dispatcher, NULL) != 0)
        return 2;
    bench_control_loop(received_count);
    return 0;
}
