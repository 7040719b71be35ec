/*
 * core.c — installing and restoring actions, refused signals and the tamper check. Everything that can
 * be decided is decided here, at registration time, so that the handler (handler.c) only records and
 * chains.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "state.h"

struct signals_slot signals_slots[SIGNALS_MAX_SIGNO + 1];

/* Lifetime and install state: guarded by `lock`. The ring's reader and the wake channel live in reader.c. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static int is_ours(const struct sigaction *action)
{
    return (action->sa_flags & SA_SIGINFO) && action->sa_sigaction == signals_handler;
}

static void *function_of(const struct sigaction *action)
{
    return (action->sa_flags & SA_SIGINFO) ? (void *)action->sa_sigaction : (void *)action->sa_handler;
}

/* SIG_DFL or SIG_IGN: a disposition with no function to chain to. */
static int is_builtin(const struct sigaction *action)
{
    void *function = function_of(action);
    return function == (void *)SIG_DFL || function == (void *)SIG_IGN;
}

/* Called with `lock` held. Saves `action` as the previous action: rewrites the copy that is not current,
 * under its seqlock (state.h), then flips previous_index. A handler that loaded the index before the flip
 * and reads the spare copy meanwhile sees its version change and reads again; nothing here waits for a
 * handler. A new previous action has not run yet, so an SA_RESETHAND one gets its one run. */
static void save_previous_locked(struct signals_slot *slot, const struct sigaction *action)
{
    struct signals_saved_action *spare = &slot->previous[1 - atomic_load(&slot->previous_index)];
    uint32_t version = atomic_load_explicit(&spare->version, memory_order_relaxed);
    atomic_store_explicit(&spare->version, version + 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    const uint64_t *from = (const uint64_t *)action;
    uint64_t *to = (uint64_t *)&spare->action;
    for (size_t word = 0; word < sizeof *action / sizeof(uint64_t); word++)
        __atomic_store_n(&to[word], from[word], __ATOMIC_RELAXED);
    atomic_store_explicit(&spare->version, version + 2, memory_order_release);
    atomic_store(&slot->previous_reset_spent, 0);
    atomic_store(&slot->previous_went_above, 0);
    atomic_store(&slot->previous_index, (int)(spare - slot->previous));
    slot->saved_by_generation[slot->generation] = *action;
}

/* Called with `lock` held (the only writer holds it too): the current saved action. */
static struct sigaction saved_previous_locked(struct signals_slot *slot)
{
    return slot->previous[atomic_load(&slot->previous_index)].action;
}

static struct sigaction default_action(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    return action;
}

/* Called with `lock` held. The saved previous action as it stands now: an SA_RESETHAND action that the
 * handler already chained to once is SIG_DFL, as the kernel would have made it. */
static struct sigaction current_previous_locked(struct signals_slot *slot)
{
    struct sigaction previous = saved_previous_locked(slot);
    if ((previous.sa_flags & SA_RESETHAND) && atomic_load(&slot->previous_reset_spent) && !is_builtin(&previous))
        previous = default_action();
    return previous;
}

/* Called with `lock` held, ours on top. Stale previous: the saved action is a handler whose owner has removed
 * it by putting back ours, which it had saved when it installed itself over ours. Putting that handler back
 * would leave it on top while its owner thinks it gone; the owner's next install would then save the
 * handler as its own previous action, and each delivery would call it from itself until the stack overflows
 * (stress R8, seed 1235066599: System.Native's handler, five workers). Two ways to know it:
 *  - an install found its handler above ours since we saved it (previous_went_above), and now ours is on top;
 *  - the slot is forgotten (policy 0) with a function saved: our last act was a restore that put that
 *    function on top, and only an owner that saved ours, i.e. that function's, can have put ours back.
 * What lies beneath such a pair is unknown (each saved the other): the default action stands in for it. */
static int previous_is_stale_locked(struct signals_slot *slot)
{
    struct sigaction previous = saved_previous_locked(slot);
    return !is_builtin(&previous) &&
           (atomic_load(&slot->previous_went_above) || atomic_load(&slot->policy) == 0);
}

/* Generations. Our action comes in two forms that act the same: without and with SA_NODEFER, which changes
 * nothing under our full sa_mask (the mask blocks the signal anyway), but which the kernel keeps and reports.
 * A fresh install picks a form that does not lie beneath what it goes over, and remembers what it saved.
 * Another party that saved an older action of ours (System.Native does, when it goes on top of a forgotten
 * slot) and puts it back writes *that* form: when the form on top is not the current installation's, every
 * party above the older installation has gone, ours included, and what lies beneath is what the older one
 * saved. Without the mark, ours over ours looked like nothing happened, and our restore put back the handler of
 * a party that had already removed itself (stress R8, seed 1235066599, sequences 983, 1209 and 1615;
 * docs/design.md, "Chaining rules"). */
static int generation_of(const struct sigaction *action)
{
    return (action->sa_flags & SA_NODEFER) ? 1 : 0;
}

/* Called with `lock` held, before a fresh install over `top`. A handler that copies the flags of the action it
 * replaced (System.Native does) shows the form it went over in its own SA_NODEFER; else a form that a foreign
 * handler was seen above may have been saved by it; else the other form than last time. */
static int fresh_generation_locked(struct signals_slot *slot, const struct sigaction *top)
{
    int first = slot->fresh_installs++ == 0;
    if (!is_builtin(top) && (top->sa_flags & SA_NODEFER))
        return 0;
    if (slot->exposed != 0)
        return 2 - slot->exposed;
    return first ? 0 : 1 - slot->generation;
}

/* Called with `lock` held: `top` is where ours of a live slot was. A foreign handler there may save ours. */
static void note_exposed_locked(struct signals_slot *slot, const struct sigaction *top)
{
    if (signals_policy_live(atomic_load(&slot->policy)) && !is_ours(top) && !is_builtin(top))
        slot->exposed = 1 + slot->generation;
}

/* Called with `lock` held, ours on top: follows an older installation that someone put back. */
static void follow_generation_on_top_locked(struct signals_slot *slot, const struct sigaction *top)
{
    int generation = generation_of(top);
    if (generation == slot->generation)
        return;
    slot->generation = generation;
    struct sigaction saved = slot->saved_by_generation[generation];
    save_previous_locked(slot, &saved);
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
        note_exposed_locked(slot, &current);
        atomic_store(&slot->policy, SIGNALS_POLICY_PASSTHROUGH);
        return 1;
    }
    follow_generation_on_top_locked(slot, &current);
    if (previous_is_stale_locked(slot)) {
        struct sigaction none = default_action();
        save_previous_locked(slot, &none);
    }
    struct sigaction previous = current_previous_locked(slot);
    if (sigaction(signo, &previous, NULL) != 0)
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
    signals_channel_close(); /* after the restores: no new delivery records now */
    pthread_mutex_unlock(&lock);
    return 0;
}

int signals_reset_after_fork(void)
{
    /* The parent's threads do not exist here; a lock one of them held would never be released. */
    pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
    memcpy(&lock, &fresh, sizeof lock);
    signals_check_schedule_reset_after_fork();
    return signals_channel_reset_after_fork();
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

/* Our action: SA_SIGINFO | SA_RESTART (left out when signals_set_interrupt asked for EINTR), with the
 * SA_ONSTACK of the action it replaces (the runtime's fault handlers run on an alternate stack), and a
 * full mask: no handler can interrupt ours while it records (handler.c gives a chained handler the mask
 * its own action asked for). SA_NODEFER marks the slot's generation (see generation_of). */
static void our_action(int signo, struct sigaction *ours, const struct sigaction *previous)
{
    struct signals_slot *slot = &signals_slots[signo];
    memset(ours, 0, sizeof *ours);
    ours->sa_sigaction = signals_handler;
    int restart = atomic_load(&slot->interrupt) ? 0 : SA_RESTART;
    int generation = slot->generation ? SA_NODEFER : 0;
    ours->sa_flags = SA_SIGINFO | restart | generation | (previous->sa_flags & SA_ONSTACK);
    sigfillset(&ours->sa_mask);
}

/* Who is on top decides what an install does (docs/design.md, "Chaining rules"):
 *  - ours is on top: only the policy changes, the saved previous action stays, unless it is stale (see
 *    previous_is_stale_locked): then SIG_DFL stands in for it. (On a forgotten slot, ours is on top because
 *    someone put back an action they had saved from us; a builtin saved there is what set_builtin or
 *    restore left, the best knowledge of what lies beneath);
 *  - the slot is live (our handler was installed and never restored) and a function handler is on
 *    top: it was installed after ours and is the one that calls ours, so it stays on top and our saved
 *    previous action stays; only the policy changes. Saving it as our previous instead would close a
 *    cycle (ours -> theirs -> ours), which is how issue 10 overflowed the stack. If that handler is our
 *    saved previous action itself, its owner installed it again over ours: noted (previous_went_above);
 *  - otherwise nothing of ours is reachable (never installed, restored, forgotten by set_builtin, or
 *    SIG_DFL/SIG_IGN put over ours): a fresh install saves what is there and puts ours on top. */
int signals_install(int signo, int policy)
{
    if (check_allowed(signo) != 0)
        return -1;
    if (policy != SIGNALS_POLICY_HANDLE && policy != SIGNALS_POLICY_OBSERVE)
        return signals_fail(EINVAL);
    pthread_mutex_lock(&lock);
    int result = signals_channel_open();
    struct signals_slot *slot = &signals_slots[signo];
    struct sigaction current;
    if (result == 0)
        result = sigaction(signo, NULL, &current);
    if (result == 0 && is_ours(&current)) {
        follow_generation_on_top_locked(slot, &current);
        if (previous_is_stale_locked(slot)) {
            struct sigaction none = default_action();
            save_previous_locked(slot, &none);
        }
        atomic_store(&slot->policy, policy);
    } else if (result == 0 && signals_policy_live(atomic_load(&slot->policy)) && !is_builtin(&current)) {
        struct sigaction previous = saved_previous_locked(slot);
        if (function_of(&current) == function_of(&previous))
            atomic_store(&slot->previous_went_above, 1);
        note_exposed_locked(slot, &current);
        atomic_store(&slot->policy, policy); /* a handler above ours: only the policy changes */
    } else if (result == 0) {
        slot->generation = fresh_generation_locked(slot, &current);
        save_previous_locked(slot, &current);
        atomic_store(&slot->policy, policy); /* published before the handler can run */
        struct sigaction ours;
        our_action(signo, &ours, &current);
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

/* One sigaction over whatever is there, so no delivery ever meets an action in between (a
 * restore-then-set would pass through the saved action, often SIG_DFL). Then the slot forgets its
 * installation and its saved action: the saved action becomes the builtin one, so our handler, should
 * someone put it back later, chains to nothing, and the next install starts fresh. */
int signals_set_builtin(int signo, int ignore)
{
    if (check_allowed(signo) != 0)
        return -1;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = ignore ? SIG_IGN : SIG_DFL;
    pthread_mutex_lock(&lock);
    struct sigaction replaced;
    int result = sigaction(signo, &action, &replaced);
    if (result == 0) {
        struct signals_slot *slot = &signals_slots[signo];
        note_exposed_locked(slot, &replaced);
        atomic_store(&slot->policy, 0);
        save_previous_locked(slot, &action);
    }
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
    int result = 0;
    if (atomic_load(&slot->policy) == 0) {
        result = signals_fail(ENOENT);
    } else {
        struct sigaction previous = current_previous_locked(slot);
        result = disposition_of(&previous);
    }
    pthread_mutex_unlock(&lock);
    return result;
}

/* Tampering is SIG_DFL or SIG_IGN put over a live subscription: our handler is unreachable. A function
 * handler above ours is not: it was installed after ours and chains to it (or is the application's
 * choice to make); putting ours back over it would cut it out. */
static int subscribed(int policy)
{
    return policy == SIGNALS_POLICY_HANDLE || policy == SIGNALS_POLICY_OBSERVE;
}

uint64_t signals_tampered(void)
{
    uint64_t tampered = 0;
    for (int signo = 1; signo <= SIGNALS_MAX_SIGNO; signo++) {
        if (!subscribed(atomic_load(&signals_slots[signo].policy)))
            continue;
        struct sigaction current;
        if (sigaction(signo, NULL, &current) == 0 && is_builtin(&current))
            tampered |= UINT64_C(1) << (signo - 1);
    }
    return tampered;
}

/* Only a live subscription (HANDLE or OBSERVE) is repaired: a slot released meanwhile (restore left it
 * PASSTHROUGH, or it is gone) is ENOENT, so a tamper check racing the last Dispose cannot put ours back.
 * The SIG_DFL/SIG_IGN found on top becomes the saved previous action, because that is what whoever put
 * it there wants once we are gone (restore puts it back). Ours or a function handler on top: nothing to
 * repair, 0. */
int signals_reinstall(int signo)
{
    if (!signals_in_range(signo))
        return signals_fail(EINVAL);
    pthread_mutex_lock(&lock);
    struct signals_slot *slot = &signals_slots[signo];
    struct sigaction current;
    int result;
    if (!subscribed(atomic_load(&slot->policy))) {
        result = signals_fail(ENOENT);
    } else if ((result = sigaction(signo, NULL, &current)) == 0 && is_builtin(&current)) {
        struct sigaction ours;
        struct sigaction previous = saved_previous_locked(slot);
        our_action(signo, &ours, &previous);
        save_previous_locked(slot, &current);
        result = sigaction(signo, &ours, NULL);
    }
    pthread_mutex_unlock(&lock);
    return result;
}

/* Stored first, so an install racing this call (both take `lock`) builds its action with the new
 * choice; then, if ours is on top, the flag changes in place: same handler and mask, so no delivery
 * meets anything else. A foreign handler on top keeps its own flags (it decides for its own calls). */
int signals_set_interrupt(int signo, int interrupt)
{
    if (!signals_in_range(signo))
        return signals_fail(EINVAL);
    pthread_mutex_lock(&lock);
    atomic_store(&signals_slots[signo].interrupt, interrupt ? 1 : 0);
    struct sigaction current;
    int result = sigaction(signo, NULL, &current);
    if (result == 0 && is_ours(&current)) {
        if (interrupt)
            current.sa_flags &= ~SA_RESTART;
        else
            current.sa_flags |= SA_RESTART;
        result = sigaction(signo, &current, NULL);
    }
    pthread_mutex_unlock(&lock);
    return result;
}

int signals_interrupt(int signo)
{
    if (!signals_in_range(signo))
        return signals_fail(EINVAL);
    return atomic_load(&signals_slots[signo].interrupt);
}
