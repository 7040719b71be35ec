/*
 * recv_libsignals — a diagnostic receiver: libsignals' handler and reader API from C, without .NET.
 * It tells how much of our latency is the native wait/read loop and how much is the managed dispatcher.
 *
 *   recv_libsignals ACK_FIFO dispatcher|drain-once
 *
 * dispatcher: the loop of managed/Signals/Dispatch/SignalDispatcher.cs, call for call: read until
 *   signals_read() returns 0 (an empty pipe costs a read(2) of the pipe and one of the overflow eventfd),
 *   then signals_wait(200).
 * drain-once: the candidate fix: after a read that returned fewer records than asked for, the pipe was
 *   empty at that instant, so go straight to signals_wait() (poll says when more arrived, or overflowed).
 */
#include "bench_common.h" /* first: it defines _GNU_SOURCE */

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>

#include "signals.h"

enum { BATCH = 256 };

static int ack_fd;
static int drain_once;
static _Atomic uint64_t received;

static void *dispatcher(void *unused)
{
    (void)unused;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL); /* as the managed dispatcher: signals land elsewhere */
    signals_record records[BATCH];
    for (;;) {
        int count = signals_read(records, BATCH);
        for (int i = 0; i < count; i++) {
            atomic_fetch_add(&received, 1);
            bench_write_all(ack_fd, "a", 1);
        }
        if (count > 0 && (count == BATCH || !drain_once))
            continue;
        signals_wait(200);
    }
    return NULL;
}

static uint64_t received_count(void) { return atomic_load(&received); }

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[2], "dispatcher") != 0 && strcmp(argv[2], "drain-once") != 0)) {
        fprintf(stderr, "usage: recv_libsignals ACK_FIFO dispatcher|drain-once\n");
        return 2;
    }
    ack_fd = bench_open_fifo(argv[1]);
    drain_once = strcmp(argv[2], "drain-once") == 0;
    if (signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE) != 0)
        return 2;
    pthread_t thread;
    if (pthread_create(&thread, NULL, dispatcher, NULL) != 0)
        return 2;
    bench_control_loop(received_count);
    return 0;
}
