/*
 * recv_ring — the second floor: the least the design of issue 18 can do, written from scratch in C (it does
 * not link libsignals, so it is an independent measure of what the design costs).
 *
 *   recv_ring ACK_FIFO FLOOD_SIGNO
 *
 * Every handler (SIGUSR1 ping, SIGUSR2 isolated, the flood signal) does our handler's record work: a
 * clock_gettime and the record's fields from siginfo, put into a lock-free ring in process memory (a bounded
 * multi-producer, single-consumer queue, Vyukov's). Only when the reader said it is about to sleep does the
 * handler wake it, as libsignals does for its dispatcher: it bumps a word in process memory and FUTEX_WAKEs the
 * reader sleeping on it; a busy reader costs the handler no system call. (Until the futex, this floor and
 * libsignals sent a byte into a socket pair: see bench/results/profile.md.) A full ring counts the delivery per
 * signal instead (the reader adds the count), so counts stay exact.
 *
 * The reader thread blocks every signal, as recv_libsignals' does, so every delivery takes the path under
 * test: a handler on another thread, then the wake. (Our managed dispatcher blocks nothing, but the kernel
 * gives a signal sent to the process to its main thread whenever that thread can take it: in a stream at
 * 1,000/s the dispatcher was woken 0.95 times per signal, i.e. by a wake byte.) It drains the ring and
 * answers as recv_selfpipe does: 'a' per ping, its CLOCK_MONOTONIC reading when it takes an isolated
 * signal's record (8 bytes), the burst count once the flood count reaches the total in si_value.
 * stdin/stdout: the control protocol of bench_common.h.
 */
#include "bench_common.h" /* first: it defines _GNU_SOURCE */

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/syscall.h>

#define FUTEX_WAIT_PRIVATE_OP 128 /* FUTEX_WAIT | FUTEX_PRIVATE_FLAG */
#define FUTEX_WAKE_PRIVATE_OP 129 /* FUTEX_WAKE | FUTEX_PRIVATE_FLAG */

#define RING_RECORDS 16384 /* a power of two, as libsignals' */
#define MAX_SIGNO 64

struct record {
    int signo, code;
    pid_t pid;
    uid_t uid;
    int64_t value, timestamp_ns;
};

/* sequence == position - index: free for that position; == position - index + 1: its record is published. */
struct cell {
    _Atomic uint64_t sequence;
    struct record record;
};

static struct cell ring[RING_RECORDS];
static _Atomic uint64_t ring_tail;
static uint64_t ring_head; /* the reader's alone */
static _Atomic uint64_t overflowed[MAX_SIGNO + 1];
static _Atomic int reader_armed;
static _Atomic uint32_t wake_word; /* the reader sleeps while it is unchanged; a wake bumps it */
static int ack_fd, flood_signo;
static _Atomic uint64_t received;

static void on_signal(int signo, siginfo_t *info, void *context)
{
    (void)context;
    int saved_errno = errno;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    uint64_t position = atomic_load_explicit(&ring_tail, memory_order_relaxed);
    for (;;) {
        struct cell *cell = &ring[position & (RING_RECORDS - 1)];
        uint64_t relative = position - (position & (RING_RECORDS - 1));
        int64_t lag = (int64_t)(atomic_load_explicit(&cell->sequence, memory_order_acquire) - relative);
        if (lag < 0) { /* still holds the previous lap's record: full */
            atomic_fetch_add_explicit(&overflowed[signo], 1, memory_order_seq_cst);
            break;
        }
        if (lag > 0) { /* another handler took it: look again */
            position = atomic_load_explicit(&ring_tail, memory_order_relaxed);
            continue;
        }
        if (!atomic_compare_exchange_weak_explicit(&ring_tail, &position, position + 1, memory_order_relaxed,
                                                   memory_order_relaxed))
            continue;
        cell->record = (struct record){signo, info->si_code, info->si_pid, info->si_uid,
                                       (int64_t)(intptr_t)info->si_value.sival_ptr,
                                       (int64_t)now.tv_sec * 1000000000 + now.tv_nsec};
        atomic_store_explicit(&cell->sequence, relative + 1, memory_order_seq_cst);
        break;
    }
    /* Publish, then look at the flag; the reader arms, then looks at the ring: both seq_cst (Dekker), so
     * either this handler sees the reader armed or the reader sees the record. */
    if (atomic_load_explicit(&reader_armed, memory_order_seq_cst)) {
        atomic_fetch_add_explicit(&wake_word, 1, memory_order_seq_cst);
        (void)syscall(SYS_futex, &wake_word, FUTEX_WAKE_PRIVATE_OP, 1, NULL, NULL, 0);
    }
    errno = saved_errno;
}

/* Takes the record at the head, if published. */
static int take(struct record *record)
{
    struct cell *cell = &ring[ring_head & (RING_RECORDS - 1)];
    uint64_t relative = ring_head - (ring_head & (RING_RECORDS - 1));
    if (atomic_load_explicit(&cell->sequence, memory_order_seq_cst) != relative + 1)
        return 0;
    *record = cell->record;
    atomic_store_explicit(&cell->sequence, relative + RING_RECORDS, memory_order_release);
    ring_head++;
    return 1;
}

static void *reader(void *unused)
{
    (void)unused;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    uint64_t flood_count = 0, flood_total = 0;
    for (;;) {
        struct record record;
        int got = take(&record);
        if (!got) {
            uint32_t seen = atomic_load_explicit(&wake_word, memory_order_seq_cst);
            atomic_store_explicit(&reader_armed, 1, memory_order_seq_cst);
            got = take(&record);
            if (!got) {
                /* Returns at once if a handler bumped the word since `seen` (EAGAIN). */
                (void)syscall(SYS_futex, &wake_word, FUTEX_WAIT_PRIVATE_OP, seen, NULL, NULL, 0);
                atomic_store_explicit(&reader_armed, 0, memory_order_relaxed);
                continue;
            }
            atomic_store_explicit(&reader_armed, 0, memory_order_relaxed);
        }
        if (record.signo == SIGUSR1) {
            atomic_fetch_add(&received, 1);
            bench_write_all(ack_fd, "a", 1);
        } else if (record.signo == SIGUSR2) {
            int64_t now = bench_now_ns();
            atomic_fetch_add(&received, 1);
            bench_write_all(ack_fd, &now, sizeof now);
        } else if (record.signo == flood_signo) {
            flood_count++;
            flood_total = (uint64_t)record.value;
        }
        /* Deliveries that found the ring full have no record: counted, added here. */
        flood_count += atomic_exchange(&overflowed[flood_signo], 0);
        if (flood_total > 0 && flood_count >= flood_total) {
            atomic_fetch_add(&received, flood_total);
            bench_write_all(ack_fd, &flood_count, sizeof flood_count);
            flood_count -= flood_total;
        }
    }
    return NULL;
}

static uint64_t received_count(void) { return atomic_load(&received); }

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: recv_ring ACK_FIFO FLOOD_SIGNO\n");
        return 2;
    }
    ack_fd = bench_open_fifo(argv[1]);
    flood_signo = atoi(argv[2]);
    if (flood_signo <= 0 || flood_signo > MAX_SIGNO)
        return 2;
    /* Like our action: SA_SIGINFO, SA_RESTART, every signal blocked while the handler runs. */
    struct sigaction action = {.sa_sigaction = on_signal, .sa_flags = SA_SIGINFO | SA_RESTART};
    sigfillset(&action.sa_mask);
    if (sigaction(SIGUSR1, &action, NULL) != 0 || sigaction(SIGUSR2, &action, NULL) != 0 ||
        sigaction(flood_signo, &action, NULL) != 0)
        return 2;
    pthread_t thread;
    if (pthread_create(&thread, NULL, reader, NULL) != 0)
        return 2;
    bench_control_loop(received_count);
    return 0;
}
