/* test_composition.c — the library composed with other handlers, forked children, forged input and
 * handlers that never return (issue 10). Each test is the deterministic core of one defect. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "util.h"

/* A hang must fail the test, not wait for ctest's timeout: SIGALRM's default action ends the process. */
static void watchdog(unsigned seconds)
{
    signal(SIGALRM, SIG_DFL);
    alarm(seconds);
}

/* --- 1. handler cycles ------------------------------------------------------------------------------ */

/* The C repro of the stack overflow: install, a foreign handler that saved ours goes on top, install
 * again. The second install used to save the foreign handler as our previous action: ours -> theirs ->
 * ours -> ... until the stack overflowed. Now theirs stays on top and ours keeps its previous. */
TEST(install_again_under_chaining_handler_makes_no_cycle)
{
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_OBSERVE));
    chainer_install(0, SIGUSR1); /* saved ours, chains to it */
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_OBSERVE));
    for (uint64_t i = 1; i <= 3; i++) {
        CHECK_EQ(0, raise(SIGUSR1));
        collect_one(SIGUSR1);
        CHECK_EQ(i, chainer_calls(0, SIGUSR1));
    }
    CHECK(chainer_on_top(0, SIGUSR1));
    CHECK_EQ(SIGNALS_DISPOSITION_DEFAULT, signals_previous_disposition(SIGUSR1));
    CHECK_EQ(0, signals_tampered());
    /* Switching the policy under it changes nothing else either. */
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    CHECK(chainer_on_top(0, SIGUSR1));
    CHECK_EQ(0, raise(SIGUSR1));
    collect_one(SIGUSR1);
    CHECK_EQ(4, chainer_calls(0, SIGUSR1));
}

/* A cycle that no install of ours creates: A is there first, ours saves A, B saves ours, then A is
 * installed again and saves B. A -> B -> ours -> A -> ... The re-entry guard cuts it the second time
 * the delivery reaches ours: one record per delivery, each foreign handler twice, no overflow. */
/* Ours saved F, then F was put back over ours saving ours (System.Native does this when a registration is
 * created again over a handler it once saved): F is on top and also ours' previous. F already ran for the
 * delivery, so ours must not call it again (found by stress R8: a PosixSignalRegistration ran twice). */
TEST(previous_that_is_on_top_runs_once_per_delivery)
{
    chainer_install(0, SIGUSR1); /* F over SIG_DFL */
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_OBSERVE)); /* ours over F: ours' previous is F */
    chainer_install(0, SIGUSR1); /* F again over ours, saving ours */
    for (uint64_t i = 1; i <= 3; i++) {
        CHECK_EQ(0, raise(SIGUSR1));
        collect_one(SIGUSR1);
        CHECK_EQ(i, chainer_calls(0, SIGUSR1));
    }
    expect_nothing_more();
}

TEST(cycle_of_two_foreign_handlers_is_cut)
{
    chainer_install(0, SIGUSR2);
    CHECK_EQ(0, signals_install(SIGUSR2, SIGNALS_POLICY_OBSERVE));
    chainer_install(1, SIGUSR2);
    chainer_install(0, SIGUSR2);
    for (uint64_t i = 1; i <= 3; i++) {
        CHECK_EQ(0, raise(SIGUSR2));
        collect_one(SIGUSR2);
        /* A (top) -> B -> ours, whose previous is A again: A is on top, so it already ran and ours
         * stops there. Each handler runs once per delivery (before that rule A and B ran twice, and the
         * re-entry guard stopped ours on its second round). */
        CHECK_EQ(i, chainer_calls(0, SIGUSR2));
        CHECK_EQ(i, chainer_calls(1, SIGUSR2));
    }
    uint64_t delivered;
    CHECK_EQ(0, signals_counters(SIGUSR2, &delivered, NULL));
    CHECK_EQ(3, delivered);
}

/* SIG_DFL or SIG_IGN put over a live slot: ours is unreachable, so an install is a fresh one. */
TEST(install_over_builtin_on_live_slot_is_fresh)
{
    set_foreign_siginfo(SIGUSR1);
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_OBSERVE));
    set_action(SIGUSR1, SIG_IGN);
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_OBSERVE));
    CHECK_EQ(SIGNALS_DISPOSITION_OURS, signals_disposition(SIGUSR1));
    CHECK_EQ(SIGNALS_DISPOSITION_IGNORED, signals_previous_disposition(SIGUSR1));
    CHECK_EQ(0, raise(SIGUSR1));
    collect_one(SIGUSR1);
    CHECK_EQ(0, atomic_load(&foreign_calls));
    CHECK_EQ(0, signals_restore(SIGUSR1));
    CHECK_EQ(SIGNALS_DISPOSITION_IGNORED, signals_disposition(SIGUSR1));
}

static struct sigaction saved_by_plain;

/* A plain (non-SA_SIGINFO) handler has no siginfo to pass on; some pass NULL. */
static void plain_chaining_handler(int signo)
{
    atomic_fetch_add(&foreign_calls, 1);
    saved_by_plain.sa_sigaction(signo, NULL, NULL);
}

TEST(chained_call_without_siginfo_is_recorded)
{
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_OBSERVE));
    struct sigaction plain;
    memset(&plain, 0, sizeof plain);
    plain.sa_handler = plain_chaining_handler;
    CHECK_EQ(0, sigaction(SIGUSR1, &plain, &saved_by_plain));
    CHECK_EQ(0, raise(SIGUSR1));
    signals_record record = collect_one(SIGUSR1);
    /* Not SI_USER (0), which a reader would take as a sender the kernel vouches for: pid 0, uid 0. */
    CHECK_EQ(SIGNALS_CODE_NO_INFO, record.code);
    CHECK_EQ(0, record.sender_pid);
    CHECK_EQ(0, record.sender_uid);
    CHECK_EQ(0, record.reserved); /* OBSERVE */
    CHECK_EQ(1, atomic_load(&foreign_calls));
}

/* --- 2. forged records: see test_records.c (records never travel through a descriptor) ------------ */

/* --- 3. shutdown with a forked child --------------------------------------------------------------- */

struct blocked_reader {
    int result;
    signals_record records[8];
};

static void *blocked_reader_thread(void *argument)
{
    struct blocked_reader *reader = argument;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    reader->result = signals_read_wait(reader->records, 8, -1);
    return NULL;
}

static int sleep_long(void *unused)
{
    (void)unused;
    sleep_ms(DEADLINE_MS);
    return 0;
}

/* The child holds a copy of the write end, so closing ours brings no end-of-file: shutdown used to wait
 * for the blocked reader forever. */
TEST(shutdown_returns_while_forked_child_holds_pipe)
{
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    struct blocked_reader reader = {.result = -2};
    pthread_t thread;
    CHECK_EQ(0, pthread_create(&thread, NULL, blocked_reader_thread, &reader));
    sleep_ms(100); /* let it block in read(2); if it has not yet, the wake still reaches it */
    pid_t child = spawn(sleep_long, NULL);
    watchdog(DEADLINE_MS / 1000);
    CHECK_EQ(0, signals_shutdown());
    CHECK_EQ(0, pthread_join(thread, NULL));
    alarm(0);
    CHECK_EQ(0, reader.result);
    CHECK_EQ(SIGNALS_DISPOSITION_DEFAULT, signals_disposition(SIGUSR1));
    CHECK_EQ(0, kill(child, SIGKILL));
    int status;
    CHECK_EQ(child, waitpid(child, &status, 0));
    /* And the library works again. */
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    CHECK_EQ(0, raise(SIGUSR1));
    collect_one(SIGUSR1);
}

/* A reader that arrives after the wake was consumed by another does not block either. */
TEST(shutdown_returns_with_two_blocked_readers)
{
    CHECK_EQ(0, signals_init());
    struct blocked_reader readers[2] = {{.result = -2}, {.result = -2}};
    pthread_t threads[2];
    for (int i = 0; i < 2; i++)
        CHECK_EQ(0, pthread_create(&threads[i], NULL, blocked_reader_thread, &readers[i]));
    sleep_ms(100);
    pid_t child = spawn(sleep_long, NULL);
    watchdog(DEADLINE_MS / 1000);
    CHECK_EQ(0, signals_shutdown());
    for (int i = 0; i < 2; i++)
        CHECK_EQ(0, pthread_join(threads[i], NULL));
    alarm(0);
    for (int i = 0; i < 2; i++)
        CHECK_EQ(0, readers[i].result);
    CHECK_EQ(0, kill(child, SIGKILL));
    int status;
    CHECK_EQ(child, waitpid(child, &status, 0));
}

/* --- 4. a previous handler that siglongjmps out ------------------------------------------------------ */

static sigjmp_buf jump_back;
static _Atomic int jumps;

static void jumping_handler(int signo)
{
    (void)signo;
    atomic_fetch_add(&jumps, 1);
    siglongjmp(jump_back, 1);
}

/* Raises from `depth` frames down, so that stale guard entries sit above and below later deliveries. */
static __attribute__((noinline)) void raise_at_depth(int depth, int signo)
{
    volatile char pad[256];
    pad[0] = (char)depth;
    if (depth > 0)
        raise_at_depth(depth - 1, signo);
    else
        CHECK_EQ(0, raise(signo));
    (void)pad[0];
}

/* The alarm-timeout idiom: the previous handler never returns into ours. The in-flight count used to
 * stay raised, so shutdown spun and every later install blocked. Also: every delivery is recorded
 * exactly once, whatever stale re-entry entries the jumps left behind. */
TEST(previous_handler_siglongjmp_leaves_no_count)
{
    set_action(SIGUSR1, jumping_handler);
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_OBSERVE));
    static const int depths[] = {0, 3, 1, 5, 0, 2, 4, 0};
    enum { ROUNDS = sizeof depths / sizeof depths[0] };
    for (int i = 0; i < ROUNDS; i++) {
        if (sigsetjmp(jump_back, 1) == 0) {
            raise_at_depth(depths[i], SIGUSR1);
            CHECK(!"the previous handler did not jump");
        }
        CHECK_EQ(i + 1, atomic_load(&jumps));
    }
    struct collected got;
    collect(SIGUSR1, ROUNDS, &got);
    expect_nothing_more();
    CHECK_EQ(ROUNDS, got.records);
    watchdog(DEADLINE_MS / 1000);
    CHECK_EQ(0, signals_shutdown());
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    alarm(0);
    CHECK_EQ(0, raise(SIGUSR1));
    collect_one(SIGUSR1);
    CHECK_EQ(ROUNDS, atomic_load(&jumps));
}

/* --- 5. reinstall of a released slot ----------------------------------------------------------------- */

/* The tamper check racing the last release, reduced to its order: restore found a foreign handler on
 * top and left a pass-through; a reinstall after that must not put ours back over theirs. */
TEST(reinstall_refuses_released_slot)
{
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    set_foreign_siginfo(SIGUSR1);
    CHECK_EQ(1, signals_restore(SIGUSR1));
    CHECK_ERRNO(ENOENT, signals_reinstall(SIGUSR1));
    CHECK(current_action(SIGUSR1).sa_sigaction == foreign_siginfo_handler);
    /* Withdrawn by uninstall: also a pass-through, also not repaired. */
    CHECK_EQ(0, signals_install(SIGUSR2, SIGNALS_POLICY_HANDLE));
    CHECK_EQ(0, signals_uninstall(SIGUSR2));
    set_action(SIGUSR2, SIG_IGN);
    CHECK_EQ(0, signals_tampered());
    CHECK_ERRNO(ENOENT, signals_reinstall(SIGUSR2));
    CHECK_EQ(SIGNALS_DISPOSITION_IGNORED, signals_disposition(SIGUSR2));
}

/* --- 6. what tampering is ---------------------------------------------------------------------------- */

/* A PosixSignalRegistration-like handler installed over an OBSERVE subscription chains to ours: it is
 * neither reported nor replaced, and both keep running. */
TEST(function_handler_over_ours_is_not_tampering)
{
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_OBSERVE));
    chainer_install(0, SIGUSR1);
    CHECK_EQ(0, signals_tampered());
    CHECK_EQ(0, signals_reinstall(SIGUSR1));
    CHECK(chainer_on_top(0, SIGUSR1));
    for (uint64_t i = 1; i <= 2; i++) {
        CHECK_EQ(0, raise(SIGUSR1));
        collect_one(SIGUSR1);
        CHECK_EQ(i, chainer_calls(0, SIGUSR1));
    }
    /* SIG_DFL over it is: the repair puts ours on top and saves SIG_DFL to restore later. */
    set_action(SIGUSR1, SIG_DFL);
    CHECK_EQ(SIGNAL_BIT(SIGUSR1), signals_tampered());
    CHECK_EQ(0, signals_reinstall(SIGUSR1));
    CHECK_EQ(0, signals_tampered());
    CHECK_EQ(SIGNALS_DISPOSITION_OURS, signals_disposition(SIGUSR1));
    CHECK_EQ(SIGNALS_DISPOSITION_DEFAULT, signals_previous_disposition(SIGUSR1));
    CHECK_EQ(0, raise(SIGUSR1));
    collect_one(SIGUSR1);
    CHECK_EQ(2, chainer_calls(0, SIGUSR1));
}

/* --- 7. SA_RESETHAND previous ----------------------------------------------------------------------- */

TEST(resethand_previous_runs_once)
{
    struct sigaction once;
    memset(&once, 0, sizeof once);
    once.sa_sigaction = foreign_siginfo_handler;
    once.sa_flags = SA_SIGINFO | SA_RESETHAND;
    CHECK_EQ(0, sigaction(SIGUSR1, &once, NULL));
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_OBSERVE));
    CHECK_EQ(SIGNALS_DISPOSITION_FOREIGN, signals_previous_disposition(SIGUSR1));
    for (int i = 0; i < 3; i++)
        CHECK_EQ(0, raise(SIGUSR1));
    struct collected got;
    collect(SIGUSR1, 3, &got);
    expect_nothing_more();
    CHECK_EQ(3, got.records);
    CHECK_EQ(1, atomic_load(&foreign_calls));
    /* Spent: it is SIG_DFL now, as the kernel would have made it, and restore puts that back. */
    CHECK_EQ(SIGNALS_DISPOSITION_DEFAULT, signals_previous_disposition(SIGUSR1));
    CHECK_EQ(0, signals_restore(SIGUSR1));
    CHECK_EQ(SIGNALS_DISPOSITION_DEFAULT, signals_disposition(SIGUSR1));

    /* A new one-shot previous gets its one run again. */
    CHECK_EQ(0, sigaction(SIGUSR1, &once, NULL));
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_OBSERVE));
    CHECK_EQ(0, raise(SIGUSR1));
    CHECK_EQ(0, raise(SIGUSR1));
    collect(SIGUSR1, 2, &got);
    CHECK_EQ(2, atomic_load(&foreign_calls));
}

/* --- 8. descriptor lifetime ------------------------------------------------------------------------- */

static _Atomic int waking;

static void *wake_loop(void *unused)
{
    (void)unused;
    while (atomic_load(&waking)) {
        (void)signals_wake();
        (void)signals_wait(0);
        (void)signals_pipe_capacity();
    }
    return NULL;
}

/* signals_wake/signals_wait/signals_pipe_capacity racing shutdown: after each shutdown the lowest free
 * descriptors are taken by files of ours; none of them may ever receive a byte. (The window this
 * guards against is a few instructions wide, so this is a stress check, not a proof.) */
TEST(wake_never_writes_into_reused_descriptor)
{
    atomic_store(&waking, 1);
    pthread_t thread;
    CHECK_EQ(0, signals_init());
    CHECK_EQ(0, pthread_create(&thread, NULL, wake_loop, NULL));
    int64_t end = monotonic_ms() + 1500;
    int rounds = 0;
    while (monotonic_ms() < end) {
        CHECK_EQ(0, signals_shutdown());
        int files[2];
        for (int i = 0; i < 2; i++) {
            files[i] = memfd_create("reused", MFD_CLOEXEC);
            CHECK(files[i] >= 0);
        }
        sched_yield();
        for (int i = 0; i < 2; i++) {
            struct stat status;
            CHECK_EQ(0, fstat(files[i], &status));
            CHECK_EQ(0, status.st_size);
            close(files[i]);
        }
        CHECK_EQ(0, signals_init());
        rounds++;
    }
    atomic_store(&waking, 0);
    CHECK_EQ(0, pthread_join(thread, NULL));
    fprintf(stderr, "%d shutdown rounds\n", rounds);
    CHECK(rounds > 10);
}

static void *blocked_wait_thread(void *argument)
{
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    *(int *)argument = signals_wait(-1);
    return NULL;
}

/* signals_wait polls the read end as a reader (under the readers' lock), so shutdown's wake record ends
 * the poll; it used to poll outside the close protocol, and with a forked child holding the write end
 * no end-of-file came: it polled a closed descriptor forever. */
TEST(shutdown_ends_blocked_wait_while_forked_child_holds_pipe)
{
    CHECK_EQ(0, signals_init());
    int result = -2;
    pthread_t thread;
    CHECK_EQ(0, pthread_create(&thread, NULL, blocked_wait_thread, &result));
    sleep_ms(100);
    pid_t child = spawn(sleep_long, NULL);
    watchdog(DEADLINE_MS / 1000);
    CHECK_EQ(0, signals_shutdown());
    CHECK_EQ(0, pthread_join(thread, NULL));
    alarm(0);
    CHECK_EQ(1, result);
    CHECK_EQ(0, kill(child, SIGKILL));
    int status;
    CHECK_EQ(child, waitpid(child, &status, 0));
}

/* --- 9. set_builtin over a busy handler ------------------------------------------------------------- */

static _Atomic int raising;
static _Atomic uint64_t raised;

static void *raise_loop(void *unused)
{
    (void)unused;
    while (atomic_load(&raising)) {
        CHECK_EQ(0, raise(SIGUSR1));
        atomic_fetch_add(&raised, 1);
    }
    return NULL;
}

/* One sigaction from ours to SIG_IGN: a delivery never meets SIG_DFL in between (which would end the
 * process with status 138). */
TEST(set_builtin_over_busy_handler_never_kills)
{
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    atomic_store(&raising, 1);
    pthread_t thread;
    CHECK_EQ(0, pthread_create(&thread, NULL, raise_loop, NULL));
    int64_t end = monotonic_ms() + 1000;
    while (monotonic_ms() < end) {
        CHECK_EQ(0, signals_set_builtin(SIGUSR1, 1));
        CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
        struct collected ignored;
        drain_all(&ignored);
    }
    CHECK_EQ(0, signals_set_builtin(SIGUSR1, 1));
    uint64_t before = atomic_load(&raised);
    int64_t deadline = monotonic_ms() + DEADLINE_MS;
    while (atomic_load(&raised) < before + 1000 && monotonic_ms() < deadline)
        sched_yield();
    atomic_store(&raising, 0);
    CHECK_EQ(0, pthread_join(thread, NULL));
    CHECK(atomic_load(&raised) >= before + 1000);
    CHECK_EQ(SIGNALS_DISPOSITION_IGNORED, signals_disposition(SIGUSR1));
    fprintf(stderr, "%llu raises\n", (unsigned long long)atomic_load(&raised));
}

/* set_builtin forgets the saved action: if someone later puts ours back on top (a library restoring
 * what it saved from us), ours does not chain to the action saved before set_builtin. */
TEST(set_builtin_forgets_saved_action)
{
    set_foreign_siginfo(SIGUSR1);
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_OBSERVE));
    chainer_install(0, SIGUSR1); /* saves ours */
    CHECK_EQ(0, signals_set_builtin(SIGUSR1, 1));
    /* The chainer is gone from the kernel's table; its library now puts back what it saved: ours. */
    struct sigaction saved = chainer_saved(0, SIGUSR1);
    CHECK_EQ(0, sigaction(SIGUSR1, &saved, NULL));
    CHECK_EQ(SIGNALS_DISPOSITION_OURS, signals_disposition(SIGUSR1));
    CHECK_EQ(0, raise(SIGUSR1));
    expect_nothing_more();                     /* forgotten: no subscription */
    CHECK_EQ(0, atomic_load(&foreign_calls)); /* and no stale previous action */
    /* Installing again keeps ours on top and what set_builtin left as the saved action: restore puts
     * back SIG_IGN, the last disposition the application chose. */
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_OBSERVE));
    CHECK_EQ(SIGNALS_DISPOSITION_IGNORED, signals_previous_disposition(SIGUSR1));
    CHECK_EQ(0, raise(SIGUSR1));
    collect_one(SIGUSR1);
    CHECK_EQ(0, atomic_load(&foreign_calls));
    CHECK_EQ(0, signals_restore(SIGUSR1));
    CHECK_EQ(SIGNALS_DISPOSITION_IGNORED, signals_disposition(SIGUSR1));
}

/* --- a stale saved handler (stress R8, seed 1235066599) --------------------------------------------------- */

/* A library that behaves as System.Native does: install saves what is on top as its original and goes on top;
 * uninstall puts that original back, whatever is on top now; its handler calls the original. */
static struct sigaction restorer_original;
static _Atomic int restorer_depth, restorer_deepest;

static void restorer_handler(int signo, siginfo_t *info, void *ucontext)
{
    int depth = atomic_fetch_add(&restorer_depth, 1) + 1;
    if (depth > atomic_load(&restorer_deepest))
        atomic_store(&restorer_deepest, depth);
    if (depth < 50 && (restorer_original.sa_flags & SA_SIGINFO) &&
        (void *)restorer_original.sa_sigaction != (void *)SIG_DFL && (void *)restorer_original.sa_sigaction != (void *)SIG_IGN)
        restorer_original.sa_sigaction(signo, info, ucontext); /* a real one has no depth limit: it overflows */
    atomic_fetch_sub(&restorer_depth, 1);
}

/* As System.Native's InstallSignalHandler: over a function it keeps that action's flags and mask. */
static void restorer_install(int signo)
{
    struct sigaction current, action;
    CHECK_EQ(0, sigaction(signo, NULL, &current));
    memset(&action, 0, sizeof action);
    if ((void *)current.sa_handler != (void *)SIG_DFL && (void *)current.sa_handler != (void *)SIG_IGN) {
        action = current;
        action.sa_flags &= ~(SA_RESTART | SA_RESETHAND);
    }
    action.sa_sigaction = restorer_handler;
    action.sa_flags |= SA_SIGINFO | SA_RESTART;
    CHECK_EQ(0, sigaction(signo, &action, &restorer_original));
}

static void restorer_uninstall(int signo)
{
    CHECK_EQ(0, sigaction(signo, &restorer_original, NULL));
}

/* Ours and the restorer save each other; the restorer removes itself by putting back ours. Our saved copy of its
 * handler is then stale: restoring it would leave the restorer's handler on top while it thinks it gone, its
 * next install would save that handler as its own original, and a delivery would recurse in it until the stack
 * overflowed (0.1.0 restored it: five R8 workers died so). The ours it puts back is the older installation's
 * form (core.c, "generations"), so what lies beneath is known: the SIG_IGN that installation saved. */
TEST(stale_saved_handler_is_not_put_back)
{
    int signo = SIGUSR2;
    set_action(signo, SIG_IGN);
    CHECK_EQ(0, signals_install(signo, SIGNALS_POLICY_HANDLE));
    restorer_install(signo);                    /* the restorer over ours: it saved ours */
    CHECK_EQ(0, signals_set_builtin(signo, 1)); /* SIG_IGN; our slot forgets itself */
    restorer_uninstall(signo);                  /* puts back ours, which it had saved */
    restorer_install(signo);                    /* over ours again: saves ours */
    CHECK_EQ(0, signals_install(signo, SIGNALS_POLICY_HANDLE)); /* ours over it: saves its handler */
    CHECK_EQ(0, signals_restore(signo));        /* its handler back on top */
    restorer_uninstall(signo);                  /* it removes itself: puts back ours; our saved copy is stale */
    CHECK_EQ(SIGNALS_DISPOSITION_OURS, signals_disposition(signo));
    CHECK_EQ(0, signals_install(signo, SIGNALS_POLICY_HANDLE));
    CHECK_EQ(0, signals_restore(signo));
    CHECK_EQ(SIGNALS_DISPOSITION_IGNORED, signals_disposition(signo)); /* not the restorer's stale handler */
    /* Its next install saves SIG_IGN, not itself: a delivery runs it once. */
    restorer_install(signo);
    CHECK_EQ(0, raise(signo));
    CHECK_EQ(1, atomic_load(&restorer_deepest));
    restorer_uninstall(signo);
}

/* The same pair, but the restorer removes itself while it sits *below* ours: it writes the ours it had saved
 * over the ours that saved it. Both are our handler; only the form tells them apart (core.c, "generations").
 * Before the form, the restore put back the restorer's stale handler (stress R8, seed 1235066599, sequence
 * 1209: System.Native then saved its own handler as its original and overflowed the stack). */
TEST(restorer_leaving_from_below_ours_is_seen)
{
    int signo = SIGUSR2;
    restorer_deepest = 0;
    set_action(signo, SIG_IGN);
    CHECK_EQ(0, signals_install(signo, SIGNALS_POLICY_HANDLE));
    restorer_install(signo);                    /* over ours: saved ours */
    CHECK_EQ(0, signals_set_builtin(signo, 1)); /* SIG_IGN; our slot forgets itself */
    restorer_uninstall(signo);                  /* ours back on top, forgotten */
    restorer_install(signo);                    /* over ours again: saves that ours */
    CHECK_EQ(0, signals_install(signo, SIGNALS_POLICY_HANDLE)); /* a fresh ours over it: saves its handler */
    restorer_uninstall(signo);                  /* from below ours: the older ours over the newer one */
    CHECK_EQ(SIGNALS_DISPOSITION_OURS, signals_disposition(signo));
    CHECK_EQ(0, signals_restore(signo));
    CHECK_EQ(SIGNALS_DISPOSITION_IGNORED, signals_disposition(signo)); /* what the older ours saved */
    restorer_install(signo);
    CHECK_EQ(0, raise(signo));
    CHECK_EQ(1, atomic_load(&restorer_deepest));
    restorer_uninstall(signo);
}

/* A fresh install must not take the form that lies beneath what it goes over: the restorer copied the form of
 * the ours it went over (SA_NODEFER), as System.Native does. With strict alternation the new ours took that same
 * form, the restorer leaving from below wrote ours over ours unseen, and the restore put back its stale handler
 * (stress R8, seed 1235066599, sequence 983). */
TEST(fresh_install_takes_the_form_not_beneath)
{
    int signo = SIGUSR2;
    restorer_deepest = 0;
    set_action(signo, SIG_IGN);
    CHECK_EQ(0, signals_install(signo, SIGNALS_POLICY_HANDLE));
    CHECK_EQ(0, signals_restore(signo));
    CHECK_EQ(0, signals_install(signo, SIGNALS_POLICY_HANDLE)); /* the other form */
    restorer_install(signo);                                    /* saves it, copies its form */
    CHECK_EQ(0, signals_set_builtin(signo, 1));
    CHECK_EQ(0, signals_install(signo, SIGNALS_POLICY_HANDLE));
    CHECK_EQ(0, signals_restore(signo));
    restorer_uninstall(signo);                                  /* the saved form back over SIG_IGN */
    restorer_install(signo);                                    /* saves that form again */
    CHECK_EQ(0, signals_install(signo, SIGNALS_POLICY_HANDLE)); /* a fresh ours over it */
    restorer_uninstall(signo);                                  /* from below ours */
    CHECK_EQ(0, signals_restore(signo));
    CHECK_EQ(SIGNALS_DISPOSITION_IGNORED, signals_disposition(signo));
    restorer_install(signo);
    CHECK_EQ(0, raise(signo));
    CHECK_EQ(1, atomic_load(&restorer_deepest));
    restorer_uninstall(signo);
}

/* A stale copy of ours on top of a forgotten slot chains to nothing. The chainer saved ours, put it back, was put
 * back by our restore (a stale handler nobody could tell), and put ours back again: its owner thinks it gone
 * twice over. Ours then ran with the chainer as its saved action and called it, once per delivery, behind its
 * owner's back; under a library above (System.Native, in R8 seed 1964206752, sequence 264) it ran twice per
 * delivery. */
TEST(forgotten_slot_chains_to_nothing)
{
    int signo = SIGUSR2;
    set_action(signo, SIG_IGN);
    chainer_install(0, signo);                                   /* the chainer over SIG_IGN */
    CHECK_EQ(0, signals_install(signo, SIGNALS_POLICY_OBSERVE)); /* ours over it: saves it */
    chainer_install(0, signo);                                   /* over ours again: saves ours */
    CHECK_EQ(1, chainer_remove(0, signo));                       /* ours back on top */
    CHECK_EQ(0, signals_restore(signo));                         /* the chainer back: nothing told us it left */
    CHECK_EQ(1, chainer_remove(0, signo));                       /* ours back on top, forgotten */
    CHECK_EQ(SIGNALS_DISPOSITION_OURS, signals_disposition(signo));
    uint64_t before = chainer_calls(0, signo);
    CHECK_EQ(0, raise(signo));
    CHECK_EQ(before, chainer_calls(0, signo));
    set_action(signo, SIG_IGN);
}
