/*
 * signals.h — the public contract of libsignals.
 *
 * libsignals turns POSIX signals into fixed-size records. A real, async-signal-safe handler
 * (native/src/handler.c) puts one record per delivery into a ring in the process's own memory, and wakes
 * the reader through a self-pipe (a socket pair) with a byte that carries nothing, only when the reader
 * said it is about to sleep. A reader (any ordinary thread) waits, drains the ring, and acts outside signal
 * context. No other process can read, take or forge a record: records never travel through a descriptor.
 * This is the only header the C# binding is generated from (managed/Signals.Interop/signals.i).
 *
 * Conventions:
 *  - every export starts with `signals_`; unless a line says otherwise a function returns 0 on
 *    success and -1 with errno set on failure;
 *  - EINVAL: the signal number is outside 1..SIGRTMAX (or another argument is out of range);
 *    EPERM: the signal is refused (signals_refusal_reason() says why);
 *  - signal sets are 64-bit masks: bit (n - 1) stands for signal n (Linux has signals 1..64).
 *
 * fork(): the handlers are inherited, but a handler running in a child process records nothing and only
 * chains (the child's copy of the ring is its own, and a page the kernel wipes at fork tells it apart), so a
 * parent never reads its children's deliveries. A child that wants to receive signals itself calls
 * signals_reset_after_fork(): it starts with an empty ring and its own wake channel. The wake channel is
 * close-on-exec; exec() resets caught signals to SIG_DFL as usual.
 */
#ifndef SIGNALS_H
#define SIGNALS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define SIGNALS_API __attribute__((visibility("default")))
#else
#define SIGNALS_API
#endif

/* One delivery. Fixed size (40 bytes); the layout is part of the ABI. */
typedef struct signals_record {
    int32_t signo;        /* the signal number */
    int32_t code;         /* si_code: SI_USER, SI_QUEUE, SI_TIMER, SI_KERNEL, SI_TKILL, CLD_*, ... */
    int32_t sender_pid;   /* si_pid (0 when the kernel sent it) */
    uint32_t sender_uid;  /* si_uid */
    int64_t value;        /* si_value (sival_ptr as an integer; sival_int in the low 32 bits) */
    int64_t timestamp_ns; /* CLOCK_MONOTONIC at delivery */
    uint32_t coalesced;   /* 0 for a delivery; N > 0 for N deliveries whose records did not fit */
    uint32_t reserved;    /* flags: SIGNALS_RECORD_HANDLED, or 0 */
} signals_record;

/* What a subscription does with the action that was there before it. */
#define SIGNALS_POLICY_HANDLE 1  /* record only: replaces the previous action (like signal.signal) */
#define SIGNALS_POLICY_OBSERVE 2 /* record, then call the previous handler function (not SIG_DFL/IGN) */

/* The disposition of a signal, as signals_disposition() reports it. */
#define SIGNALS_DISPOSITION_DEFAULT 0 /* SIG_DFL */
#define SIGNALS_DISPOSITION_IGNORED 1 /* SIG_IGN */
#define SIGNALS_DISPOSITION_OURS 2    /* our handler */
#define SIGNALS_DISPOSITION_FOREIGN 3 /* a native handler installed by someone else (e.g. the runtime) */

/* si_code of a record that stands for deliveries that did not fit in the ring (coalesced > 0). */
#define SIGNALS_CODE_COALESCED 0x7fff0001
/* si_code of a delivery that reached our handler without a siginfo (a plain handler above ours chained to
 * ours with NULL): no sender is known, and nothing may be taken as verified. */
#define SIGNALS_CODE_NO_INFO 0x7fff0002

/* `reserved` bit: the delivery came under SIGNALS_POLICY_HANDLE, so the action that was there before ours
 * did not run for it (on a coalesced record: at least one of its deliveries did). A reader that cannot hand such a record to anyone (its subscriber went away meanwhile)
 * should give the signal to the action now in place (re-raise it), or the delivery is lost. */
#define SIGNALS_RECORD_HANDLED 1u

/* --- lifetime ---------------------------------------------------------------------------------- */

/* Creates the wake channel if needed (idempotent, thread-safe; every other call does it lazily). 0 / -1 errno. */
SIGNALS_API int signals_init(void);
/* Restores every installed signal, closes the wake channel. Records already in the ring stay readable with
 * signals_read() (a caller hands them on). Idempotent. Later calls re-create the channel. Bounded: it waits
 * for nothing another process or an abandoned handler can hold. 0 / -1 errno. */
SIGNALS_API int signals_shutdown(void);
/* In a forked child: forget the parent's records, channel and state, create our own; handlers stay. 0 / -1. */
SIGNALS_API int signals_reset_after_fork(void);

/* --- dispositions ------------------------------------------------------------------------------ */

/* NULL if signo may be installed; otherwise a static English sentence saying why not. Never fails. */
SIGNALS_API const char *signals_refusal_reason(int signo);
/* Installs our handler with a policy (SIGNALS_POLICY_*); the previous action is saved. If ours is still
 * installed (never restored) and a function handler was installed over it, that handler stays on top
 * (it calls ours) and only the policy changes; if SIG_DFL/SIG_IGN was put over ours, that is saved as
 * the new previous action and ours goes back on top. 0 / -1 EINVAL EPERM. */
SIGNALS_API int signals_install(int signo, int policy);
/* Our handler stays but stops recording and only chains (or is reinstalled by signals_install). 0 / -1. */
SIGNALS_API int signals_uninstall(int signo);
/* Restores the saved previous action if the current one is still ours (returns 0); if someone replaced
 * ours, leaves theirs alone and keeps ours as a disabled pass-through (returns 1). -1 EINVAL ENOENT. */
SIGNALS_API int signals_restore(int signo);
/* Sets SIG_DFL (ignore = 0) or SIG_IGN (ignore = 1) with one sigaction over whatever is there (no
 * delivery meets anything in between); forgets the installation and its saved action, so a later
 * install starts fresh. 0 / -1 EINVAL EPERM. */
SIGNALS_API int signals_set_builtin(int signo, int ignore);
/* The current disposition (SIGNALS_DISPOSITION_*), or -1 EINVAL. */
SIGNALS_API int signals_disposition(int signo);
/* The policy we installed with (SIGNALS_POLICY_*), or 0 when not installed; -1 EINVAL. */
SIGNALS_API int signals_policy(int signo);
/* The disposition of the action saved when we installed (what restore would put back: SIG_DFL for an
 * SA_RESETHAND handler that already ran once, as the kernel would have reset it); -1 EINVAL ENOENT. */
SIGNALS_API int signals_previous_disposition(int signo);

/* Like siginterrupt(3): interrupt = 1 makes a system call that our handler interrupts fail with EINTR
 * (no SA_RESTART); 0 restarts it (SA_RESTART, the default). Remembered per signal and applied whenever
 * ours is installed, at once if ours is on top now (a foreign handler on top keeps its own flags).
 * 0 / -1 EINVAL. */
SIGNALS_API int signals_set_interrupt(int signo, int interrupt);
/* The choice signals_set_interrupt() made for signo: 1 EINTR, 0 restart; -1 EINVAL. */
SIGNALS_API int signals_interrupt(int signo);

/* --- tamper check ------------------------------------------------------------------------------ */

/* Mask of subscribed signals (policy HANDLE or OBSERVE) whose current action is SIG_DFL or SIG_IGN, i.e.
 * our handler is unreachable. A function handler installed over ours is not reported: it was installed
 * after ours and chains to it (putting ours back over it would cut it out). Never fails. */
SIGNALS_API uint64_t signals_tampered(void);
/* Repairs a tampered signal: the SIG_DFL/SIG_IGN found on top becomes the saved previous action (what
 * restore puts back) and ours goes back on top. 0 (also when there is nothing to repair: ours or a
 * function handler is on top) / -1 EINVAL, ENOENT (not subscribed: never installed, restored, or
 * withdrawn to a pass-through). */
SIGNALS_API int signals_reinstall(int signo);

/* --- reader side ------------------------------------------------------------------------------- */

/* Reads up to max records, waiting up to timeout_ms (-1: forever, 0: not at all) for the first. Once the
 * ring is drained, adds one record per signal with deliveries that did not fit (coalesced = their number).
 * Returns the count; 0 only when the timeout passed, signals_wake() was called during the wait, or the
 * channel is closed (shutdown); -1 errno. One reader at a time (a mutex serialises readers; a blocked reader
 * never holds up installs). It sleeps on a futex in process memory; no thread of the library keeps time.
 * A record whose handler was interrupted for good (a nested handler siglongjmp'ed out of it) holds up the
 * records behind it for at most about 1 s; then that one is counted as coalesced if it ever completes. */
SIGNALS_API int signals_read_wait(signals_record *records, int max, int timeout_ms);
/* The dispatcher's wait: signals_read_wait() with the periodic tamper check as its timeout. A check is
 * due 200 ms after signals_check_soon(), then each clean one doubles the interval up to 60 s; the clean
 * ones (signals_tampered() == 0, nearly all) are done inside the wait, which goes on. Returns the count,
 * or 0 when woken (signals_wake(), shutdown, signals_check_soon()) or when a due check found a signal
 * tampered with: then signals_check_due() is 1 and the caller repairs and calls signals_check_done();
 * -1 errno. No check is scheduled before the first signals_check_soon(). Unlike signals_read_wait() it
 * never opens the channel (signals_init() does): once it is closed, it returns 0 at once. */
SIGNALS_API int signals_read_wait_checked(signals_record *records, int max);
/* Next check within 200 ms (a subscription changed); wakes the reader if its wait would end later. */
SIGNALS_API void signals_check_soon(void);
/* 1 when a tamper check is due now, else 0. */
SIGNALS_API int signals_check_due(void);
/* After the caller's check: repaired = 1 brings the next one within 200 ms, 0 backs off (doubling). */
SIGNALS_API void signals_check_done(int repaired);
/* How long signals_read_wait() polls memory for a new record before sleeping (futex), in
 * microseconds (default 0: never; 50 suits signals that come back to back). A signal that follows within it skips the tens of microseconds of
 * waking a sleeping thread; it polls only when its previous wait lasted no longer than this (signals
 * back to back), so isolated signals and steady streams pay no CPU for it. 0 / -1 EINVAL. */
SIGNALS_API int signals_set_reader_spin(int microseconds);
/* signals_read_wait(records, max, 0): never blocks, never opens the channel (so it drains the ring after a
 * shutdown too). A read that finds the ring empty asks for a wake byte on signals_read_fd() for the next
 * record: a poll loop polls that descriptor, then calls this until it returns less than max. */
SIGNALS_API int signals_read(signals_record *records, int max);
/* Waits until the ring has records, a wake, or timeout_ms (-1: forever), for callers that wait before
 * reading. 1 ready (or woken, or closed), 0 timeout, -1 errno. */
SIGNALS_API int signals_wait(int timeout_ms);
/* Wakes a reader blocked in signals_read_wait(), signals_read_wait_checked() or signals_wait() (for
 * shutdown): a wait under way returns 0. Async-signal-safe. 0 / -1 EBADF (no channel). */
SIGNALS_API int signals_wake(void);
/* Deliveries counted by the handler for signo, and how many of them did not fit in the ring. 0 / -1. */
SIGNALS_API int signals_counters(int signo, uint64_t *delivered, uint64_t *overflowed);
/* Always 0: records never travel through a descriptor, so nothing another process writes can become one.
 * (Kept from 0.1.0, when records travelled in a pipe and forged ones were dropped and counted.) */
SIGNALS_API uint64_t signals_forged_records(void);
/* How many records the ring holds before deliveries start to be coalesced. Never fails. */
SIGNALS_API int signals_pipe_capacity(void);
/* The read end of the wake channel, for callers that poll it themselves (an event loop): it carries no
 * records, only wake bytes, and becomes readable for a record that follows a signals_read() that found the
 * ring empty, for signals_wake() and for the shutdown. Read records with signals_read(). -1 errno. */
SIGNALS_API int signals_read_fd(void);

/* --- sending ----------------------------------------------------------------------------------- */

/* kill(2). 0 / -1 EINVAL EPERM ESRCH. */
SIGNALS_API int signals_kill(int32_t pid, int signo);
/* raise(3): to the calling thread. 0 / -1 errno. */
SIGNALS_API int signals_raise(int signo);
/* sigqueue(3) with a value (si_code SI_QUEUE). 0 / -1 EAGAIN EINVAL EPERM ESRCH. */
SIGNALS_API int signals_sigqueue(int32_t pid, int signo, int64_t value);
/* pthread_kill(3) to a thread handle from signals_thread_self(). 0 / -1 errno. */
SIGNALS_API int signals_pthread_kill(uint64_t thread, int signo);
/* The calling thread's pthread_t as an integer. Never fails. */
SIGNALS_API uint64_t signals_thread_self(void);
/* tgkill(2): to a thread of this process by its kernel thread id. 0 / -1 errno. */
SIGNALS_API int signals_thread_kill(int32_t tid, int signo);
/* The calling thread's kernel thread id. Never fails. */
SIGNALS_API int32_t signals_thread_id(void);
/* pidfd_open(2): a file descriptor (close-on-exec) that stays bound to process pid, so a signal sent
 * through it never reaches a process that later got the same pid. The fd, or -1 EINVAL ESRCH ENOSYS. */
SIGNALS_API int signals_pidfd_open(int32_t pid);
/* pidfd_send_signal(2) through a pidfd; has_value != 0 sends value with si_code SI_QUEUE (as sigqueue:
 * the kernel allows SI_QUEUE to any process it may signal). 0 / -1 EBADF EINVAL EPERM ESRCH (exited). */
SIGNALS_API int signals_pidfd_send(int pidfd, int signo, int has_value, int64_t value);
/* close(2), for descriptors this library handed out (a pidfd). 0 / -1 EBADF. */
SIGNALS_API int signals_close(int fd);
/* getpid(2) / getuid(2). Never fail. */
SIGNALS_API int32_t signals_getpid(void);
SIGNALS_API uint32_t signals_getuid(void);

/* --- timers ------------------------------------------------------------------------------------ */

/* alarm(2): seconds left on the previous alarm (0 if none). Never fails. */
SIGNALS_API uint32_t signals_alarm(uint32_t seconds);
/* setitimer(2), times in microseconds; old values written when the pointers are not NULL. 0 / -1. */
SIGNALS_API int signals_setitimer(int which, int64_t value_us, int64_t interval_us, int64_t *old_value_us,
                                  int64_t *old_interval_us);
/* getitimer(2), times in microseconds. 0 / -1 EINVAL. */
SIGNALS_API int signals_getitimer(int which, int64_t *value_us, int64_t *interval_us);

/* --- masks and synchronous waits ---------------------------------------------------------------- */

/* pthread_sigmask(3) on the calling thread; how is SIG_BLOCK 0, SIG_UNBLOCK 1, SIG_SETMASK 2. 0 / -1. */
SIGNALS_API int signals_thread_mask(int how, uint64_t set, uint64_t *old_set);
/* sigpending(2): signals pending for the thread or the process. 0 / -1 errno. */
SIGNALS_API int signals_pending(uint64_t *set);
/* sigtimedwait(2) (timeout_ns < 0: sigwaitinfo) for signals in set, which the caller should have blocked.
 * Returns the signal number and fills *record; -1 EAGAIN (timeout) EINTR EINVAL. */
SIGNALS_API int signals_wait_info(uint64_t set, int64_t timeout_ns, signals_record *record);
/* pause(2): returns when a handler ran on this thread; always -1 EINTR. */
SIGNALS_API int signals_pause(void);

/* --- names ------------------------------------------------------------------------------------- */

/* SIGRTMIN and SIGRTMAX as this process sees them (computed at run time). Never fail. */
SIGNALS_API int signals_rtmin(void);
SIGNALS_API int signals_rtmax(void);
/* Mask of the signals this system defines (1..SIGRTMAX less glibc's reserved 32..SIGRTMIN-1). */
SIGNALS_API uint64_t signals_valid_set(void);
/* Writes "SIGUSR1", "SIGRTMIN+2", ... into buffer (NUL-terminated). Length written, or -1 EINVAL ERANGE. */
SIGNALS_API int signals_name(int signo, char *buffer, int size);
/* The description ("User defined signal 1"), static; NULL (EINVAL) for an unknown number. */
SIGNALS_API const char *signals_description(int signo);

#ifdef __cplusplus
}
#endif

#endif /* SIGNALS_H */
