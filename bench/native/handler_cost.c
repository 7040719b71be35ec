/*
 * handler_cost — what our handler costs inside signal context, against the least a handler can do.
 *
 *   handler_cost KILLS_PER_BLOCK BLOCKS
 *
 * kill(getpid(), sig) in a single-threaded process delivers before kill() returns, so the time per
 * kill is send + delivery + handler + sigreturn. Three signals, measured in alternating blocks so drift
 * hits them alike: SIGUSR2 with a bare handler writing one byte into a non-blocking pipe; SIGUSR1 with
 * libsignals' handler (signals_install, Handle policy); SIGWINCH ignored (the kernel drops it at send:
 * the cost of the kill() syscall alone, to tell the handlers' own share). Pipes are drained between
 * blocks, outside the timed region, so neither handler ever meets a full pipe.
 * Prints medians over blocks: bare_ns=<per kill> ours_ns=<per kill> ignored_ns=<per kill>
 */
#include "bench_common.h" /* first: it defines _GNU_SOURCE */

#include <signal.h>

#include "signals.h"

static int bare_pipe[2];

static void bare_handler(int signo)
{
    (void)signo;
    int saved_errno = errno;
    char byte = 1;
    (void)!write(bare_pipe[1], &byte, 1);
    errno = saved_errno;
}

static double time_block(int signo, long kills)
{
    pid_t self = getpid();
    int64_t start = bench_now_ns();
    for (long i = 0; i < kills; i++)
        kill(self, signo);
    return (double)(bench_now_ns() - start) / (double)kills;
}

static void drain(long expected_bare, long expected_ours)
{
    char bytes[4096];
    long bare = 0, ours = 0;
    ssize_t got;
    while ((got = read(bare_pipe[0], bytes, sizeof bytes)) > 0)
        bare += got;
    signals_record records[256];
    int count;
    while ((count = signals_read(records, 256)) > 0)
        ours += count;
    if (bare != expected_bare || ours != expected_ours) {
        fprintf(stderr, "handler_cost: expected %ld + %ld deliveries, got %ld + %ld\n", expected_bare,
                expected_ours, bare, ours);
        exit(1);
    }
}

static int compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *values, int count)
{
    qsort(values, (size_t)count, sizeof *values, compare);
    return count % 2 ? values[count / 2] : (values[count / 2 - 1] + values[count / 2]) / 2;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: handler_cost KILLS_PER_BLOCK BLOCKS\n");
        return 2;
    }
    long kills = atol(argv[1]);
    int blocks = atoi(argv[2]);
    if (kills <= 0 || kills > signals_pipe_capacity() || blocks <= 0 || blocks > 1000) {
        fprintf(stderr, "handler_cost: KILLS_PER_BLOCK must be 1..%d (the pipe's capacity), BLOCKS 1..1000\n",
                signals_pipe_capacity());
        return 2;
    }
    if (pipe2(bare_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return 2;
    struct sigaction bare = {.sa_handler = bare_handler, .sa_flags = SA_RESTART};
    struct sigaction ignore = {.sa_handler = SIG_IGN};
    if (sigaction(SIGUSR2, &bare, NULL) != 0 || sigaction(SIGWINCH, &ignore, NULL) != 0 ||
        signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE) != 0) {
        perror("handler_cost: installing handlers");
        return 2;
    }

    double bare_ns[1000], ours_ns[1000], ignored_ns[1000];
    time_block(SIGUSR2, kills); /* warm-up: page in both handlers and the pipes */
    time_block(SIGUSR1, kills);
    drain(kills, kills);
    for (int b = 0; b < blocks; b++) {
        /* Alternate which goes first, so neither always runs right after the untimed drain. */
        if (b % 2 == 0) {
            bare_ns[b] = time_block(SIGUSR2, kills);
            ours_ns[b] = time_block(SIGUSR1, kills);
        } else {
            ours_ns[b] = time_block(SIGUSR1, kills);
            bare_ns[b] = time_block(SIGUSR2, kills);
        }
        ignored_ns[b] = time_block(SIGWINCH, kills);
        drain(kills, kills);
    }
    printf("bare_ns=%.1f ours_ns=%.1f ignored_ns=%.1f\n", median(bare_ns, blocks), median(ours_ns, blocks),
           median(ignored_ns, blocks));
    signals_shutdown();
    return 0;
}
