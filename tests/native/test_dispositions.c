/* test_dispositions.c — installing, chaining, restoring, refusing, the tamper check, and install /
 * restore racing with deliveries. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "util.h"

/* --- chaining ------------------------------------------------------------------------------------ */

TEST(observe_chains_to_foreign_sigaction)
{
    set_foreign_siginfo(SIGUSR1);
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_OBSERVE));
    CHECK_EQ(SIGNALS_DISPOSITION_OURS, signals_disposition(SIGUSR1));
    CHECK_EQ(SIGNALS_POLICY_OBSERVE, signals_policy(SIGUSR1));
    CHECK_EQ(SIGNALS_DISPOSITION_FOREIGN, signals_previous_disposition(SIGUSR1));

    CHECK_EQ(0, kill(getpid(), SIGUSR1));
    signals_record record = collect_one(SIGUSR1);
    CHECK_EQ(SI_USER, record.code);
    CHECK_EQ(1, atomic_load(&foreign_calls)); /* it ran before kill returned, like our handler */
    CHECK_EQ(SIGUSR1, atomic_load(&foreign_last_signo));
    CHECK_EQ(SI_USER, atomic_load(&foreign_last_code)); /* it got the real siginfo */

    /* Switching the same installation to HANDLE stops the chaining. */
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    CHECK_EQ(SIGNALS_POLICY_HANDLE, signals_policy(SIGUSR1));
    CHECK_EQ(0, raise(SIGUSR1));
    collect_one(SIGUSR1);
    CHECK_EQ(1, atomic_load(&foreign_calls));
    CHECK_EQ(0, signals_restore(SIGUSR1));
    CHECK_EQ(SIGNALS_DISPOSITION_FOREIGN, signals_disposition(SIGUSR1));
}

TEST(handle_does_not_chain)
{
    set_foreign_siginfo(SIGUSR2);
    CHECK_EQ(0, signals_install(SIGUSR2, SIGNALS_POLICY_HANDLE));
    for (int i = 0; i < 3; i++)
        CHECK_EQ(0, raise(SIGUSR2));
    struct collected got;
    collect(SIGUSR2, 3, &got);
    expect_nothing_more();
    CHECK_EQ(3, got.records);
    /* The handler ran three times (three records, each before raise returned) without chaining. */
    CHECK_EQ(0, atomic_load(&foreign_calls));
    CHECK_EQ(0, signals_restore(SIGUSR2));
    /* The foreign handler is back and runs on its own. */
    CHECK_EQ(0, raise(SIGUSR2));
    CHECK_EQ(1, atomic_load(&foreign_calls));
    expect_nothing_more();
}

TEST(observe_chains_to_plain_handler)
{
    set_foreign_plain(SIGUSR1);
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_OBSERVE));
    CHECK_EQ(SIGNALS_DISPOSITION_FOREIGN, signals_previous_disposition(SIGUSR1));
    CHECK_EQ(0, raise(SIGUSR1));
    collect_one(SIGUSR1);
    CHECK_EQ(1, atomic_load(&foreign_calls));
    CHECK_EQ(SIGUSR1, atomic_load(&foreign_last_signo));
    CHECK_EQ(0, signals_restore(SIGUSR1));
    struct sigaction action = current_action(SIGUSR1);
    CHECK(!(action.sa_flags & SA_SIGINFO));
    CHECK(action.sa_handler == foreign_plain_handler);
}

/* OBSERVE over SIG_IGN or SIG_DFL chains to nothing (emulating either from a handler is impossible):
 * the delivery is recorded and the process survives even where SIG_DFL would terminate it. */
TEST(observe_over_builtin_actions_records_only)
{
    set_action(SIGUSR1, SIG_IGN);
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_OBSERVE));
    CHECK_EQ(SIGNALS_DISPOSITION_IGNORED, signals_previous_disposition(SIGUSR1));
    CHECK_EQ(0, raise(SIGUSR1));
    collect_one(SIGUSR1);
    CHECK_EQ(0, signals_restore(SIGUSR1));
    CHECK_EQ(SIGNALS_DISPOSITION_IGNORED, signals_disposition(SIGUSR1));

    set_action(SIGUSR2, SIG_DFL);
    CHECK_EQ(0, signals_install(SIGUSR2, SIGNALS_POLICY_OBSERVE));
    CHECK_EQ(SIGNALS_DISPOSITION_DEFAULT, signals_previous_disposition(SIGUSR2));
    CHECK_EQ(0, raise(SIGUSR2));
    collect_one(SIGUSR2);
    CHECK_EQ(0, signals_restore(SIGUSR2));
    CHECK_EQ(SIGNALS_DISPOSITION_DEFAULT, signals_disposition(SIGUSR2));
}

/* --- restore ------------------------------------------------------------------------------------- */

TEST(restore_puts_back_previous_action)
{
    /* A previous action with a mask and SA_ONSTACK, which ours copies and restore gives back. */
    struct sigaction theirs;
    memset(&theirs, 0, sizeof theirs);
    theirs.sa_sigaction = foreign_siginfo_handler;
    theirs.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&theirs.sa_mask);
    sigaddset(&theirs.sa_mask, SIGUSR2);
    CHECK_EQ(0, sigaction(SIGUSR1, &theirs, NULL));

    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    struct sigaction ours = current_action(SIGUSR1);
    CHECK(ours.sa_flags & SA_SIGINFO);
    CHECK(ours.sa_flags & SA_RESTART);
    CHECK(ours.sa_flags & SA_ONSTACK);
    CHECK(!(ours.sa_flags & SA_RESETHAND));
    CHECK(ours.sa_sigaction != foreign_siginfo_handler);
    CHECK_EQ(1, sigismember(&ours.sa_mask, SIGUSR2));

    CHECK_EQ(0, signals_restore(SIGUSR1));
    struct sigaction back = current_action(SIGUSR1);
    CHECK(back.sa_sigaction == foreign_siginfo_handler);
    CHECK_EQ(SA_SIGINFO | SA_ONSTACK, back.sa_flags & (SA_SIGINFO | SA_ONSTACK | SA_RESTART | SA_RESETHAND));
    CHECK_EQ(1, sigismember(&back.sa_mask, SIGUSR2));
    CHECK_EQ(SIGNALS_DISPOSITION_FOREIGN, signals_disposition(SIGUSR1));
    CHECK_EQ(0, signals_policy(SIGUSR1));
    CHECK_ERRNO(ENOENT, signals_restore(SIGUSR1)); /* nothing left to restore */
    CHECK_ERRNO(ENOENT, signals_previous_disposition(SIGUSR1));

    /* From SIG_DFL and SIG_IGN too. */
    CHECK_EQ(SIGNALS_DISPOSITION_DEFAULT, signals_disposition(SIGUSR2));
    CHECK_EQ(0, signals_install(SIGUSR2, SIGNALS_POLICY_HANDLE));
    CHECK_EQ(0, signals_restore(SIGUSR2));
    CHECK(current_action(SIGUSR2).sa_handler == SIG_DFL);
    set_action(SIGUSR2, SIG_IGN);
    CHECK_EQ(0, signals_install(SIGUSR2, SIGNALS_POLICY_OBSERVE));
    CHECK_EQ(0, signals_restore(SIGUSR2));
    CHECK(current_action(SIGUSR2).sa_handler == SIG_IGN);
}

TEST(restore_leaves_foreign_replacement)
{
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    set_foreign_siginfo(SIGUSR1); /* someone replaces ours */
    CHECK_EQ(SIGNALS_DISPOSITION_FOREIGN, signals_disposition(SIGUSR1));
    CHECK_EQ(1, signals_restore(SIGUSR1));
    CHECK(current_action(SIGUSR1).sa_sigaction == foreign_siginfo_handler);
    CHECK_EQ(SIGNALS_DISPOSITION_FOREIGN, signals_disposition(SIGUSR1));
    CHECK_EQ(0, signals_policy(SIGUSR1));
    CHECK_EQ(0, signals_tampered()); /* no longer a subscription, so not reported as tampered */
    CHECK_EQ(0, raise(SIGUSR1));
    CHECK_EQ(1, atomic_load(&foreign_calls));
    expect_nothing_more();
}

/* uninstall: our handler stays in place but records nothing and only chains. */
TEST(uninstall_keeps_handler_and_chains)
{
    set_foreign_siginfo(SIGUSR1);
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    CHECK_EQ(0, signals_uninstall(SIGUSR1));
    CHECK_EQ(SIGNALS_DISPOSITION_OURS, signals_disposition(SIGUSR1));
    CHECK_EQ(0, signals_policy(SIGUSR1));
    CHECK_ERRNO(ENOENT, signals_uninstall(SIGUSR1));
    CHECK_EQ(0, raise(SIGUSR1));
    CHECK_EQ(1, atomic_load(&foreign_calls));
    expect_nothing_more();
    uint64_t delivered;
    CHECK_EQ(0, signals_counters(SIGUSR1, &delivered, NULL));
    CHECK_EQ(0, delivered);
    /* Installing again reuses the handler and the saved action. */
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_OBSERVE));
    CHECK_EQ(SIGNALS_DISPOSITION_FOREIGN, signals_previous_disposition(SIGUSR1));
    CHECK_EQ(0, raise(SIGUSR1));
    collect_one(SIGUSR1);
    CHECK_EQ(2, atomic_load(&foreign_calls));
    CHECK_EQ(0, signals_restore(SIGUSR1));
    CHECK(current_action(SIGUSR1).sa_sigaction == foreign_siginfo_handler);
}

/* --- refusals and bad numbers -------------------------------------------------------------------- */

static void check_refused(int signo)
{
    const char *reason = signals_refusal_reason(signo);
    if (reason == NULL)
        fprintf(stderr, "signal %d has no refusal reason\n", signo);
    CHECK(reason != NULL && strlen(reason) > 10);
    /* The C library's sigaction() itself refuses its own signals, 32..SIGRTMIN-1 (EINVAL): glibc's 32
     * and 33, musl's 32, 33 and 34. They have no disposition to show. */
    int before = signals_disposition(signo);
    if (signo >= 32 && signo < SIGRTMIN)
        CHECK_EQ(EINVAL, errno);
    else
        CHECK(before >= 0);
    CHECK_ERRNO(EPERM, signals_install(signo, SIGNALS_POLICY_HANDLE));
    CHECK_ERRNO(EPERM, signals_install(signo, SIGNALS_POLICY_OBSERVE));
    CHECK_ERRNO(EPERM, signals_set_builtin(signo, 0));
    CHECK_ERRNO(EPERM, signals_set_builtin(signo, 1));
    CHECK_EQ(before, signals_disposition(signo)); /* untouched */
    CHECK_EQ(0, signals_policy(signo));
}

TEST(refused_signals_eperm)
{
    static const int refused[] = {SIGKILL, SIGSTOP, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGABRT};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        check_refused(refused[i]);
#if defined(__GLIBC__)
    CHECK_EQ(34, SIGRTMIN); /* glibc: 32 and 33 are its own, SIGRTMIN is the runtime's */
#else
    CHECK_EQ(35, SIGRTMIN); /* musl: 32, 33 and 34 are its own, SIGRTMIN is the runtime's */
#endif
    for (int signo = 32; signo <= SIGRTMIN; signo++)
        check_refused(signo);
    /* And the ones that are allowed have no reason. */
    static const int allowed[] = {SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM,
                                  SIGCHLD, SIGCONT, SIGWINCH, SIGTTOU};
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
        CHECK(signals_refusal_reason(allowed[i]) == NULL);
    for (int signo = SIGRTMIN + 1; signo <= SIGRTMAX; signo++)
        CHECK(signals_refusal_reason(signo) == NULL);
}

TEST(bad_numbers_einval)
{
    const int bad[] = {0, -1, 65, SIGRTMAX + 1, 1000, -2147483647 - 1};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int signo = bad[i];
        CHECK(signals_refusal_reason(signo) != NULL);
        CHECK_ERRNO(EINVAL, signals_install(signo, SIGNALS_POLICY_HANDLE));
        CHECK_ERRNO(EINVAL, signals_set_builtin(signo, 0));
        CHECK_ERRNO(EINVAL, signals_set_builtin(signo, 1));
        CHECK_ERRNO(EINVAL, signals_disposition(signo));
        CHECK_ERRNO(EINVAL, signals_policy(signo));
        CHECK_ERRNO(EINVAL, signals_previous_disposition(signo));
        CHECK_ERRNO(EINVAL, signals_uninstall(signo));
        CHECK_ERRNO(EINVAL, signals_restore(signo));
        CHECK_ERRNO(EINVAL, signals_reinstall(signo));
        CHECK_ERRNO(EINVAL, signals_counters(signo, NULL, NULL));
        CHECK_ERRNO(EINVAL, signals_raise(signo));
    }
    /* A bad policy on a good signal. */
    CHECK_ERRNO(EINVAL, signals_install(SIGUSR1, 0));
    CHECK_ERRNO(EINVAL, signals_install(SIGUSR1, 3));
    CHECK_EQ(SIGNALS_DISPOSITION_DEFAULT, signals_disposition(SIGUSR1));
    /* Restore / reinstall of something never installed. */
    CHECK_ERRNO(ENOENT, signals_restore(SIGUSR1));
    CHECK_ERRNO(ENOENT, signals_reinstall(SIGUSR1));
    CHECK_ERRNO(ENOENT, signals_previous_disposition(SIGUSR1));
    CHECK_ERRNO(ENOENT, signals_uninstall(SIGUSR1));
}

/* --- set_builtin ----------------------------------------------------------------------------------- */

static int raise_sigusr1_with_default(void *unused)
{
    (void)unused;
    if (signals_set_builtin(SIGUSR1, 0) != 0)
        return 30;
    raise(SIGUSR1);
    return 31; /* not reached: the default action terminates */
}

TEST(set_builtin_ignore_and_default)
{
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    CHECK_EQ(0, signals_set_builtin(SIGUSR1, 1));
    CHECK_EQ(SIGNALS_DISPOSITION_IGNORED, signals_disposition(SIGUSR1));
    CHECK(current_action(SIGUSR1).sa_handler == SIG_IGN);
    /* set_builtin forgets the installation and the saved action. */
    CHECK_EQ(0, signals_policy(SIGUSR1));
    CHECK_ERRNO(ENOENT, signals_restore(SIGUSR1));
    CHECK_ERRNO(ENOENT, signals_previous_disposition(SIGUSR1));
    CHECK_EQ(0, raise(SIGUSR1)); /* ignored: the process lives, nothing is recorded */
    expect_nothing_more();

    CHECK_EQ(0, signals_set_builtin(SIGUSR1, 0));
    CHECK_EQ(SIGNALS_DISPOSITION_DEFAULT, signals_disposition(SIGUSR1));
    CHECK(current_action(SIGUSR1).sa_handler == SIG_DFL);

    /* SIG_DFL for SIGUSR1 really terminates (in a child). */
    pid_t child = spawn(raise_sigusr1_with_default, NULL);
    int status;
    CHECK_EQ(child, waitpid(child, &status, 0));
    CHECK(WIFSIGNALED(status));
    CHECK_EQ(SIGUSR1, WTERMSIG(status));

    /* An install after set_builtin saves the builtin action. */
    CHECK_EQ(0, signals_set_builtin(SIGUSR1, 1));
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    CHECK_EQ(SIGNALS_DISPOSITION_IGNORED, signals_previous_disposition(SIGUSR1));
    CHECK_EQ(0, signals_restore(SIGUSR1));
    CHECK_EQ(SIGNALS_DISPOSITION_IGNORED, signals_disposition(SIGUSR1));
}

/* --- tamper check ---------------------------------------------------------------------------------- */

/* Tampering is SIG_DFL or SIG_IGN over a live subscription (issue 10, item 6). A function handler put
 * over ours is a handler above us (it chains to ours, or it is the application's choice) and is neither
 * reported nor removed. (Before issue 10 a function handler over ours was reported and replaced, which
 * cut out e.g. a PosixSignalRegistration installed after us.) */
TEST(tamper_detected_and_reinstalled)
{
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    CHECK_EQ(0, signals_install(SIGUSR2, SIGNALS_POLICY_OBSERVE));
    CHECK_EQ(0, signals_tampered());

    set_foreign_siginfo(SIGUSR1); /* a handler above ours: not tampering */
    CHECK_EQ(0, signals_tampered());
    CHECK_EQ(0, signals_reinstall(SIGUSR1)); /* nothing to repair: theirs stays on top */
    CHECK(current_action(SIGUSR1).sa_sigaction == foreign_siginfo_handler);
    CHECK_EQ(SIGNALS_POLICY_HANDLE, signals_policy(SIGUSR1)); /* still our subscription */

    set_action(SIGUSR1, SIG_IGN); /* e.g. the runtime restoring what it saved */
    CHECK_EQ(SIGNAL_BIT(SIGUSR1), signals_tampered());
    CHECK_EQ(SIGNALS_DISPOSITION_IGNORED, signals_disposition(SIGUSR1));
    CHECK_EQ(0, raise(SIGUSR1));
    expect_nothing_more(); /* our handler is not there to record */

    CHECK_EQ(0, signals_reinstall(SIGUSR1));
    CHECK_EQ(0, signals_tampered());
    CHECK_EQ(SIGNALS_DISPOSITION_OURS, signals_disposition(SIGUSR1));
    CHECK_EQ(0, raise(SIGUSR1));
    collect_one(SIGUSR1);
    CHECK_EQ(0, atomic_load(&foreign_calls));
    /* The SIG_IGN found on top is what its author wants once we are gone: restore puts it back. */
    CHECK_EQ(SIGNALS_DISPOSITION_IGNORED, signals_previous_disposition(SIGUSR1));
    CHECK_EQ(0, signals_restore(SIGUSR1));
    CHECK_EQ(SIGNALS_DISPOSITION_IGNORED, signals_disposition(SIGUSR1));

    set_action(SIGUSR2, SIG_DFL);
    CHECK_EQ(SIGNAL_BIT(SIGUSR2), signals_tampered());
    CHECK_EQ(0, signals_reinstall(SIGUSR2));
    CHECK_EQ(0, signals_tampered());
    CHECK_EQ(SIGNALS_DISPOSITION_DEFAULT, signals_previous_disposition(SIGUSR2));
    CHECK_EQ(0, signals_restore(SIGUSR2));
    CHECK_EQ(SIGNALS_DISPOSITION_DEFAULT, signals_disposition(SIGUSR2));
    CHECK_ERRNO(ENOENT, signals_reinstall(SIGUSR2));
}

/* --- install / restore racing with deliveries ---------------------------------------------------- */

static _Atomic int flooding;
static _Atomic uint64_t flood_sent;
static pthread_t main_thread;

/* Sends SIGUSR2 to the process (usually handled on this thread) and to the main thread, which is busy
 * installing and restoring, until told to stop. */
static void *flood_sigusr2(void *unused)
{
    (void)unused;
    while (atomic_load(&flooding)) {
        CHECK_EQ(0, kill(getpid(), SIGUSR2));
        CHECK_EQ(0, pthread_kill(main_thread, SIGUSR2));
        atomic_fetch_add(&flood_sent, 2);
    }
    return NULL;
}

TEST(install_restore_races_deliveries)
{
    /* The previous action counts: SIGUSR2's default action would kill the process whenever a signal
     * landed between a restore and the next install. */
    set_foreign_siginfo(SIGUSR2);
    main_thread = pthread_self();
    atomic_store(&flooding, 1);
    pthread_t flooder;
    CHECK_EQ(0, pthread_create(&flooder, NULL, flood_sigusr2, NULL));
    /* Let it start, so that the loop below really races with it (bounded by the deadline). */
    int64_t deadline = monotonic_ms() + DEADLINE_MS;
    while (atomic_load(&flood_sent) < 100 && monotonic_ms() < deadline)
        sched_yield();
    CHECK(atomic_load(&flood_sent) >= 100);

    /* At least ROUNDS installs and restores, and on until both handlers have run often enough to show
     * that deliveries really interleaved with them (a fast machine can do the rounds between two of the
     * flooder's time slices); the deadline bounds it, and the checks after the loop need only one. */
    enum { ROUNDS = 3000, ENOUGH = 1000 };
    static signals_record records[512];
    uint64_t ordinary = 0, coalesced = 0, delivered = 0, overflowed = 0;
    deadline = monotonic_ms() + DEADLINE_MS / 2;
    for (int round = 0; round < ROUNDS || ((delivered < ENOUGH || atomic_load(&foreign_calls) < ENOUGH) &&
                                           monotonic_ms() < deadline);
         round++) {
        CHECK_EQ(0, signals_install(SIGUSR2, round % 2 ? SIGNALS_POLICY_OBSERVE : SIGNALS_POLICY_HANDLE));
        if (round % 7 == 0)
            CHECK_EQ(0, signals_uninstall(SIGUSR2)); /* the pass-through state, restored below too */
        int count = signals_read(records, 512);
        CHECK(count >= 0);
        for (int i = 0; i < count; i++) {
            CHECK_EQ(SIGUSR2, records[i].signo);
            if (records[i].coalesced)
                coalesced += records[i].coalesced;
            else
                ordinary++;
        }
        CHECK_EQ(0, signals_restore(SIGUSR2));
        CHECK_EQ(SIGNALS_DISPOSITION_FOREIGN, signals_disposition(SIGUSR2));
        CHECK_EQ(0, signals_counters(SIGUSR2, &delivered, NULL));
    }
    atomic_store(&flooding, 0);
    CHECK_EQ(0, pthread_join(flooder, NULL));
    /* The flooder is gone and its handlers have returned; a SIGUSR2 still pending for the process is
     * delivered to this thread at the latest on return from the next system call, and goes to the
     * foreign handler, which is all that is installed now. Every handler that counted a delivery
     * wrote its record (or counted the overflow) before returning. */
    struct collected rest;
    drain_all(&rest);
    ordinary += rest.records;
    coalesced += rest.coalesced;

    CHECK_EQ(0, signals_counters(SIGUSR2, &delivered, &overflowed));
    fprintf(stderr, "race: sent %llu, delivered to our handler %llu (%llu overflowed), foreign %llu\n",
            (unsigned long long)atomic_load(&flood_sent), (unsigned long long)delivered,
            (unsigned long long)overflowed, (unsigned long long)atomic_load(&foreign_calls));
    CHECK(delivered > 0);
    CHECK(atomic_load(&foreign_calls) > 0);
    CHECK_EQ(delivered, ordinary + overflowed);
    CHECK_EQ(overflowed, coalesced);
    CHECK(current_action(SIGUSR2).sa_sigaction == foreign_siginfo_handler);
}
