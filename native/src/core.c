/*
 * core.c — installing and restoring actions, refused signals and the tamper check. Everything that can be
 * decided is decided here, at registration time, so that the handler (handler.c) only records and chains.
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

/* Called with `lock` held. Saves `action` as the previous action: rewrites the spare copy under its seqlock
 * (state.h), then flips previous_index; a handler reading the spare meanwhile sees its version change and reads
 * again, and nothing here waits for a handler. A new previous action has not run yet: SA_RESETHAND gets its run. */
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
    int spent = (previous.sa_flags & SA_RESETHAND) && atomic_load(&slot->previous_reset_spent);
    if (spent && !signals_is_builtin(&previous))
        previous = default_action();
    return previous;
}

/* Called with `lock` held, ours on top. Stale previous (docs/design.md, "Chaining rules"): the saved action is a
 * handler whose owner removed it by putting back ours, which it had saved. Putting it back would leave it on top
 * while its owner thinks it gone, and the owner's next install would make it call itself until the stack
 * overflows (stress R8, seed 1235066599). Known when an install found it above ours since we saved it
 * (previous_went_above), or when the slot is forgotten (policy 0): our last act put that function on top, and
 * only its owner, which saved ours, can have put ours back. Each of the pair saved the other, so what lies
 * beneath is unknown: the default action stands in for it. */
static void forget_stale_previous_locked(struct signals_slot *slot)
{
    struct sigaction previous = saved_previous_locked(slot);
    if (!signals_is_builtin(&previous) &&
        (atomic_load(&slot->previous_went_above) || atomic_load(&slot->policy) == 0)) {
        struct sigaction none = default_action();
        save_previous_locked(slot, &none);
    }
}

/* Generations. Our action comes in two forms that act the same, without and with SA_NODEFER (a no-op under our
 * full sa_mask, but the kernel keeps and reports it). A fresh install picks a form that does not lie beneath what
 * it goes over, and remembers what it saved. A party that saved an older action of ours (System.Native does, over
 * a forgotten slot) and puts it back writes *that* form: when the form on top is not the current installation's,
 * every party above the older one has gone, ours included, and what lies beneath is what the older one saved.
 * Without the mark, ours over ours looked like nothing happened, and our restore put back the handler of a party
 * already gone (stress R8, seed 1235066599, sequences 983, 1209 and 1615).
 * Called with `lock` held, before a fresh install over `top`. A handler that copies the flags of the action it
 * replaced (System.Native does) shows the form it went over in its own SA_NODEFER; else a form that a foreign
 * handler was seen above may have been saved by it; else the other form than last time. */
static int fresh_generation_locked(struct signals_slot *slot, const struct sigaction *top)
{
    int first = slot->fresh_installs++ == 0;
    if (!signals_is_builtin(top) && (top->sa_flags & SA_NODEFER))
        return 0;
    if (slot->exposed != 0)
        return 2 - slot->exposed;
    return first ? 0 : 1 - slot->generation;
}

/* Called with `lock` held: `top` is where ours of a live slot was. A foreign handler there may save ours. */
static void note_exposed_locked(struct signals_slot *slot, const struct sigaction *top)
{
    if (signals_policy_live(atomic_load(&slot->policy)) && !is_ours(top) && !signals_is_builtin(top))
        slot->exposed = 1 + slot->generation;
}

/* Called with `lock` held, ours on top: follows an older installation that someone put back. */
static void follow_generation_on_top_locked(struct signals_slot *slot, const struct sigaction *top)
{
    int generation = (top->sa_flags & SA_NODEFER) ? 1 : 0;
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
    forget_stale_previous_locked(slot);
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
    /* The parent's threads do not exist here: a lock one of them held would never be released. So each
     * module's reset (check_schedule.c, reader.c) makes its locks afresh too. */
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

/* Our action: SA_RESTART unless signals_set_interrupt asked for EINTR; the SA_ONSTACK of the action it replaces
 * (the runtime's fault handlers run on an alternate stack); a full mask, so no handler interrupts ours while it
 * records (handler.c gives a chained handler its own mask); SA_NODEFER for the generation ("Generations"). */
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
 *  - ours: only the policy changes; the saved action stays unless stale (forget_stale_previous_locked). On a
 *    forgotten slot, a builtin saved there is what set_builtin or restore left, our best knowledge of beneath;
 *  - a function handler over a live slot: installed after ours, it calls ours, so it stays on top and only the
 *    policy changes. Saving it as our previous would close the cycle ours -> theirs -> ours (issue 10). If it
 *    is our saved previous action, its owner installed it again over ours: noted (previous_went_above);
 *  - otherwise nothing of ours is reachable (never installed, restored, forgotten, or SIG_DFL/SIG_IGN over
 *    ours): a fresh install saves what is there and puts ours on top. */
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
        forget_stale_previous_locked(slot);
        atomic_store(&slot->policy, policy);
    } else if (result == 0 && signals_policy_live(atomic_load(&slot->policy)) && !signals_is_builtin(&current)) {
        struct sigaction previous = saved_previous_locked(slot);
        if (signals_function_of(&current) == signals_function_of(&previous))
            atomic_store(&slot->previous_went_above, 1);
        note_exposed_locked(slot, &current);
        atomic_store(&slot->policy, policy);
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

/* One sigaction over whatever is there, so no delivery meets an action in between (a restore-then-set would
 * pass through the saved action, often SIG_DFL). The slot then forgets its installation and saves the builtin
 * action: our handler, should someone put it back, chains to nothing, and the next install starts fresh. */
int signals_set_builtin(int signo, int ignore)
{
    if (check_allowed(signo) != 0)
        return -1;
    struct sigaction action = default_action();
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
    if (signals_function_of(action) == (void *)SIG_DFL)
        return SIGNALS_DISPOSITION_DEFAULT;
    if (signals_function_of(action) == (void *)SIG_IGN)
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
    struct sigaction previous = current_previous_locked(slot);
    int result = atomic_load(&slot->policy) == 0 ? signals_fail(ENOENT) : disposition_of(&previous);
    pthread_mutex_unlock(&lock);
    return result;
}

/* Tampering is SIG_DFL or SIG_IGN over a subscription: ours is unreachable. A function handler above ours is
 * not: it chains to ours (or is the application's choice), and putting ours back over it would cut it out. */
uint64_t signals_tampered(void)
{
    uint64_t tampered = 0;
    for (int signo = 1; signo <= SIGNALS_MAX_SIGNO; signo++) {
        if (!signals_policy_subscribed(atomic_load(&signals_slots[signo].policy)))
            continue;
        struct sigaction current;
        if (sigaction(signo, NULL, &current) == 0 && signals_is_builtin(&current))
            tampered |= UINT64_C(1) << (signo - 1);
    }
    return tampered;
}

/* Only a subscription (HANDLE or OBSERVE) is repaired, else ENOENT: a tamper check racing the last Dispose
 * cannot put ours back. The SIG_DFL/SIG_IGN found on top becomes the saved action, as whoever put it there wants
 * it once we are gone. Ours or a function handler on top: nothing to repair, 0. */
int signals_reinstall(int signo)
{
    if (!signals_in_range(signo))
        return signals_fail(EINVAL);
    pthread_mutex_lock(&lock);
    struct signals_slot *slot = &signals_slots[signo];
    struct sigaction current;
    int result;
    if (!signals_policy_subscribed(atomic_load(&slot->policy))) {
        result = signals_fail(ENOENT);
    } else if ((result = sigaction(signo, NULL, &current)) == 0 && signals_is_builtin(&current)) {
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
        current.sa_flags = (current.sa_flags & ~SA_RESTART) | (interrupt ? 0 : SA_RESTART);
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
