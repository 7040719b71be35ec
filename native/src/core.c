/*
 * core.c — installing and restoring actions, refused signals and the tamper check. Everything that can
 * be decided is decided here, at registration time, so that the handler (handler.c) only records and
 * chains.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sched.h>
#include <unistd.h>

#include "state.h"

struct signals_slot signals_slots[SIGNALS_MAX_SIGNO + 1];

/* Lifetime and install state: guarded by `lock`. The pipe and the reader side live in pipe.c. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static int is_ours(const struct sigaction *action)
{
    return (action->sa_flags & SA_SIGINFO) && action->sa_sigaction == signals_handler;
}

/* Called with `lock` held. */
static int restore_locked(int signo)
{
    struct signals_slot *slot = &signals_slots[signo];
    if (atomic_load(&slot->policy) == 0)
        return signals_fail(ENOENT);
    struct sigaction current;
    if (sigaction(signo, NULL, &current) != 0)
        return -1;
    if (!is_ours(&current)) {
        /* Someone replaced us: theirs stays. If they chain to us, we only pass through. */
        atomic_store(&slot->policy, SIGNALS_POLICY_PASSTHROUGH);
        return 1;
    }
    if (sigaction(signo, &slot->previous[atomic_load(&slot->previous_index)], NULL) != 0)
        return -1;
    atomic_store(&slot->policy, 0);
    return 0;
}

int signals_shutdown(void)
{
    pthread_mutex_lock(&lock);
    for (int signo = 1; signo <= SIGNALS_MAX_SIGNO; signo++)
        if (atomic_load(&signals_slots[signo].policy) != 0)
            (void)restore_locked(signo);
    signals_pipe_close(); /* after the restores: no new delivery can start writing now */
    pthread_mutex_unlock(&lock);
    return 0;
}

int signals_reset_after_fork(void)
{
    /* The parent's threads do not exist here; a lock one of them held would never be released. */
    pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
    memcpy(&lock, &fresh, sizeof lock);
    for (int signo = 0; signo <= SIGNALS_MAX_SIGNO; signo++) {
        /* Readers were handlers on the parent's other threads, which do not exist here. */
        atomic_store(&signals_slots[signo].previous_readers[0], 0);
        atomic_store(&signals_slots[signo].previous_readers[1], 0);
    }
    return signals_pipe_reset_after_fork();
}

const char *signals_refusal_reason(int signo)
{
    switch (signo) {
    case SIGKILL:
    case SIGSTOP:
        return "it cannot be caught, blocked or ignored (the kernel forbids it)";
    case SIGSEGV:
    case SIGBUS:
    case SIGILL:
    case SIGFPE:
    case SIGTRAP:
    case SIGABRT:
        return "it reports a fault in the process and the .NET runtime handles it (NullReferenceException, "
               "crash dumps, debugger)";
    }
    if (signo < 1 || signo > signals_rtmax())
        return "it is out of range (signals are numbered 1..SIGRTMAX)";
    if (signo >= 32 && signo < signals_rtmin())
        return "it is reserved by the C library (glibc, musl) for its threading implementation";
    if (signo == signals_rtmin())
        return "it is SIGRTMIN, the .NET runtime's thread-suspension signal for the garbage collector";
    return NULL;
}

static int check_allowed(int signo)
{
    if (!signals_in_range(signo))
        return signals_fail(EINVAL);
    if (signals_refusal_reason(signo) != NULL)
        return signals_fail(EPERM);
    return 0;
}

/* Our action: SA_SIGINFO | SA_RESTART, with SA_ONSTACK and the mask of the action it replaces
 * (the runtime's fault handlers run on an alternate stack; keep whatever the previous owner chose). */
static void our_action(struct sigaction *ours, const struct sigaction *previous)
{
    memset(ours, 0, sizeof *ours);
    ours->sa_sigaction = signals_handler;
    ours->sa_flags = SA_SIGINFO | SA_RESTART | (previous->sa_flags & SA_ONSTACK);
    ours->sa_mask = previous->sa_mask;
}

int signals_install(int signo, int policy)
{
    if (check_allowed(signo) != 0)
        return -1;
    if (policy != SIGNALS_POLICY_HANDLE && policy != SIGNALS_POLICY_OBSERVE)
        return signals_fail(EINVAL);
    pthread_mutex_lock(&lock);
    int result = signals_pipe_open();
    struct signals_slot *slot = &signals_slots[signo];
    struct sigaction current;
    if (result == 0)
        result = sigaction(signo, NULL, &current);
    if (result == 0 && is_ours(&current) && atomic_load(&slot->policy) != 0) {
        atomic_store(&slot->policy, policy); /* already ours: only the policy changes */
    } else if (result == 0) {
        /* Fresh install (or a foreign handler replaced our pass-through): save what is there now. */
        int spare = 1 - atomic_load(&slot->previous_index);
        /* A handler that loaded the index before the last flip may still be copying the spare action
         * (handler.c, previous_action): wait for it. It copies two fields, so this is brief. */
        while (atomic_load(&slot->previous_readers[spare]) != 0)
            sched_yield();
        slot->previous[spare] = current;
        atomic_store(&slot->previous_index, spare);
        atomic_store(&slot->policy, policy); /* published before the handler can run */
        struct sigaction ours;
        our_action(&ours, &current);
        result = sigaction(signo, &ours, NULL);
        if (result != 0)
            atomic_store(&slot->policy, 0);
    }
    pthread_mutex_unlock(&lock);
    return result;
}

int signals_uninstall(int signo)
{
    if (!signals_in_range(signo))
        return signals_fail(EINVAL);
    struct signals_slot *slot = &signals_slots[signo];
    int expected_handle = SIGNALS_POLICY_HANDLE, expected_observe = SIGNALS_POLICY_OBSERVE;
    if (atomic_compare_exchange_strong(&slot->policy, &expected_handle, SIGNALS_POLICY_PASSTHROUGH) ||
        atomic_compare_exchange_strong(&slot->policy, &expected_observe, SIGNALS_POLICY_PASSTHROUGH))
        return 0;
    return signals_fail(ENOENT);
}

int signals_restore(int signo)
{
    if (!signals_in_range(signo))
        return signals_fail(EINVAL);
    pthread_mutex_lock(&lock);
    int result = restore_locked(signo);
    pthread_mutex_unlock(&lock);
    return result;
}

int signals_set_builtin(int signo, int ignore)
{
    if (check_allowed(signo) != 0)
        return -1;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = ignore ? SIG_IGN : SIG_DFL;
    pthread_mutex_lock(&lock);
    int result = sigaction(signo, &action, NULL);
    if (result == 0)
        atomic_store(&signals_slots[signo].policy, 0);
    pthread_mutex_unlock(&lock);
    return result;
}

static int disposition_of(const struct sigaction *action)
{
    if (is_ours(action))
        return SIGNALS_DISPOSITION_OURS;
    if (!(action->sa_flags & SA_SIGINFO) && action->sa_handler == SIG_DFL)
        return SIGNALS_DISPOSITION_DEFAULT;
    if (!(action->sa_flags & SA_SIGINFO) && action->sa_handler == SIG_IGN)
        return SIGNALS_DISPOSITION_IGNORED;
    if ((void *)action->sa_sigaction == (void *)SIG_DFL)
        return SIGNALS_DISPOSITION_DEFAULT;
    if ((void *)action->sa_sigaction == (void *)SIG_IGN)
        return SIGNALS_DISPOSITION_IGNORED;
    return SIGNALS_DISPOSITION_FOREIGN;
}

int signals_disposition(int signo)
{
    if (!signals_in_range(signo))
        return signals_fail(EINVAL);
    struct sigaction current;
    if (sigaction(signo, NULL, &current) != 0)
        return -1;
    return disposition_of(&current);
}

int signals_policy(int signo)
{
    if (!signals_in_range(signo))
        return signals_fail(EINVAL);
    int policy = atomic_load(&signals_slots[signo].policy);
    return policy == SIGNALS_POLICY_PASSTHROUGH ? 0 : policy;
}

int signals_previous_disposition(int signo)
{
    if (!signals_in_range(signo))
        return signals_fail(EINVAL);
    struct signals_slot *slot = &signals_slots[signo];
    pthread_mutex_lock(&lock); /* an install may be rewriting the saved action */
    int result = atomic_load(&slot->policy) == 0
                     ? signals_fail(ENOENT)
                     : disposition_of(&slot->previous[atomic_load(&slot->previous_index)]);
    pthread_mutex_unlock(&lock);
    return result;
}

uint64_t signals_tampered(void)
{
    uint64_t tampered = 0;
    for (int signo = 1; signo <= SIGNALS_MAX_SIGNO; signo++) {
        int policy = atomic_load(&signals_slots[signo].policy);
        if (policy != SIGNALS_POLICY_HANDLE && policy != SIGNALS_POLICY_OBSERVE)
            continue;
        struct sigaction current;
        if (sigaction(signo, NULL, &current) == 0 && !is_ours(&current))
            tampered |= UINT64_C(1) << (signo - 1);
    }
    return tampered;
}

int signals_reinstall(int signo)
{
    if (!signals_in_range(signo))
        return signals_fail(EINVAL);
    pthread_mutex_lock(&lock);
    struct signals_slot *slot = &signals_slots[signo];
    int result;
    if (atomic_load(&slot->policy) == 0) {
        result = signals_fail(ENOENT);
    } else {
        struct sigaction ours;
        our_action(&ours, &slot->previous[atomic_load(&slot->previous_index)]);
        result = sigaction(signo, &ours, NULL);
    }
    pthread_mutex_unlock(&lock);
    return result;
}
