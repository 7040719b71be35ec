/* util.h — helpers shared by the native tests: deadlines, collecting records, foreign handlers,
 * child processes and file descriptors. */
#ifndef SIGNALS_TEST_UTIL_H
#define SIGNALS_TEST_UTIL_H

#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "signals.h"

/* How long a positive wait may take before the test fails. Generous: the machines are noisy and the
 * sanitizers slow; a passing test never waits this long. */
#define DEADLINE_MS 20000

#define SIGNAL_BIT(signo) (UINT64_C(1) << ((signo) - 1))

int64_t monotonic_ns(void);
int64_t monotonic_ms(void);
void sleep_ms(int ms);

/* What signals_read() returned so far for one signal. */
struct collected {
    uint64_t deliveries;       /* 1 per ordinary record + `coalesced` of each coalesced record */
    uint64_t records;          /* ordinary records */
    uint64_t coalesced;        /* sum of `coalesced` over coalesced records */
    uint64_t coalesced_records;
    int stored;                /* ordinary records copied into `record` (the first 64) */
    signals_record record[64];
};

/* Reads (waiting with signals_wait toward DEADLINE_MS) until `deliveries` deliveries of signo have
 * been read; fails the test on a timeout or on a record for another signal. */
void collect(int signo, uint64_t deliveries, struct collected *out);
/* Reads one delivery of signo and checks that no other record follows (see expect_nothing_more). */
signals_record collect_one(int signo);
/* Negative check: the pipe holds nothing more. Callers use it where every delivery they caused has
 * already been recorded synchronously (a signal sent to the calling thread, or to this
 * single-threaded process, is delivered before kill/raise/sigqueue returns, and the handler writes
 * its record before returning), so no wait is needed: anything extra would already be there. */
void expect_nothing_more(void);
/* Drains the pipe completely (ordinary and coalesced records) into *out, any signal. */
void drain_all(struct collected *out);

/* A foreign SA_SIGINFO handler and a foreign plain handler that count their calls. */
extern _Atomic uint64_t foreign_calls;
extern _Atomic int foreign_last_signo;
extern _Atomic int foreign_last_code;
extern _Atomic int foreign_errno_on_entry;
extern _Atomic int foreign_clobbers_errno; /* when set, the handler leaves errno = EIO behind */
void foreign_siginfo_handler(int signo, siginfo_t *info, void *ucontext);
void foreign_plain_handler(int signo);
void set_foreign_siginfo(int signo);
void set_foreign_plain(int signo);
void set_action(int signo, void (*handler)(int));
struct sigaction current_action(int signo);

/* Chaining foreign handlers, as another library would install them: chainer `which` (0 or 1) saves the
 * action it replaces (per signal) and calls it after counting the call, whatever it is (a function;
 * SIG_DFL and SIG_IGN are not called). */
#define CHAINERS 2
void chainer_install(int which, int signo);
/* Puts back the action chainer `which` saved, if it is on top (a well-behaved library unloading);
 * returns 1 if it was, 0 if it was not (then nothing changes). */
int chainer_remove(int which, int signo);
uint64_t chainer_calls(int which, int signo);
int chainer_on_top(int which, int signo);
/* The action chainer `which` saved for signo (what it chains to). */
struct sigaction chainer_saved(int which, int signo);

/* Runs child() in a forked child, which exits with child()'s return value. */
pid_t spawn(int (*child)(void *), void *argument);
/* Waits for pid and checks it exited with status `code`. */
void expect_exit(pid_t pid, int code);

/* Open file descriptors of this process, in fds (sorted), their number as the result. */
int open_fds(int *fds, int max);
/* Threads of this process whose name (/proc/self/task/N/comm) is `name`. */
int threads_named(const char *name);

#endif
