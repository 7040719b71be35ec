/* test_model.c — seeded random sequences of operations on the native API, composed with foreign
 * chaining handlers, tampering, fork and real signals from other processes, each step checked against a
 * reference model (issue 10, part B, the C variant).
 *
 * The model knows, per signal: what is on top of the kernel's table (ours, SIG_IGN, or one of two
 * foreign chaining handlers), what each chaining handler saved, our slot's policy and saved previous
 * action. It applies the library's documented rules (docs/design.md, "Chaining rules") and simulates
 * each delivery along the chain, with the re-entry guard, to predict exactly how many records each
 * signal produces and how often each foreign handler runs. After every step it compares: each
 * operation's result, signals_disposition, signals_policy, signals_previous_disposition,
 * signals_tampered, the records read (exactly the predicted number per signal) and the foreign handlers'
 * call counts.
 *
 * Only SIG_IGN is set as a builtin action, and every model signal starts ignored, so no delivery can end the
 * process. SIG_DFL appears only where the library puts it in place of a stale saved handler (docs/design.md,
 * "Chaining rules"); while it is on top the sequence sends nothing of that signal. The chaining handlers are
 * never allowed to form a cycle without ours in it (that would be the test's own infinite loop; a cycle through
 * ours is allowed and is the guard's job).
 *
 * Each sequence runs in a forked child (fresh process state; a crash or hang is a failure, and an
 * alarm bounds it). SIGNALS_MODEL_SEED=N replays one seed; SIGNALS_MODEL_SEQUENCES and
 * SIGNALS_MODEL_STEPS change the size. A failure prints the seed and the sequence, then shrinks it
 * (removing steps one at a time while it still fails) and prints the shortest, replayed verbosely. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "util.h"

#define MODEL_SIGNALS 5
#define MAX_STEPS 200
#define TIME_BUDGET_MS 30000 /* stop starting new sequences after this (sanitizers, valgrind) */

enum entity { E_IGN, E_OURS, E_CHAINER0, E_CHAINER1, E_DFL };

enum op {
    OP_INSTALL, OP_UNINSTALL, OP_RESTORE, OP_SET_IGNORED, OP_TAMPER, OP_CHAINER_INSTALL, OP_CHAINER_REMOVE,
    OP_REINSTALL, OP_RAISE, OP_RAISE_ON_THREAD, OP_SEND, OP_FORK_CHILD_RAISES, OP_SHUTDOWN, OP_COUNT
};

static const char *const op_names[OP_COUNT] = {
    "install", "uninstall", "restore", "set_ignored", "tamper(SIG_IGN by someone else)", "chainer_install",
    "chainer_remove", "reinstall", "raise", "raise_on_thread", "send_from_child", "fork_child_raises",
    "shutdown"};

/* How likely each operation is (out of the sum). Sends are frequent: they are what the checks count. */
static const int op_weights[OP_COUNT] = {14, 5, 7, 4, 4, 8, 6, 5, 8, 4, 12, 3, 2};

struct step {
    unsigned char op, sig, arg, count;
};

struct model {
    int top[MODEL_SIGNALS];
    int policy[MODEL_SIGNALS]; /* 0, HANDLE, OBSERVE, PASSTHROUGH (3) */
    int previous[MODEL_SIGNALS];
    int went_above[MODEL_SIGNALS]; /* an install found the saved chainer above ours since it was saved */
    int chainer_saved[CHAINERS][MODEL_SIGNALS];
    uint64_t records[MODEL_SIGNALS];
    uint64_t chainer_calls[CHAINERS][MODEL_SIGNALS];
};

#define PASSTHROUGH 3

static int signal_number(int index)
{
    static const int fixed[2] = {SIGUSR1, SIGUSR2};
    return index < 2 ? fixed[index] : SIGRTMIN + index - 1; /* SIGRTMIN+1 .. +3 */
}

static int is_realtime(int index)
{
    return index >= 2;
}

/* --- random numbers: splitmix64, so a seed means the same sequence everywhere -------------------- */

static uint64_t rng_state;

static uint64_t next_random(void)
{
    uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static int random_below(int n)
{
    return (int)(next_random() % (uint64_t)n);
}

static void generate(struct step *steps, int count)
{
    int total = 0;
    for (int i = 0; i < OP_COUNT; i++)
        total += op_weights[i];
    for (int i = 0; i < count; i++) {
        int pick = random_below(total), op = 0;
        while (pick >= op_weights[op])
            pick -= op_weights[op++];
        steps[i].op = (unsigned char)op;
        steps[i].sig = (unsigned char)random_below(MODEL_SIGNALS);
        steps[i].arg = (unsigned char)random_below(2);
        steps[i].count = (unsigned char)(1 + random_below(4));
    }
}

static void describe(const struct step *step, char *buffer, size_t size)
{
    char name[32];
    signals_name(signal_number(step->sig), name, sizeof name);
    switch (step->op) {
    case OP_INSTALL:
        snprintf(buffer, size, "install %s %s", name, step->arg ? "OBSERVE" : "HANDLE");
        break;
    case OP_CHAINER_INSTALL:
    case OP_CHAINER_REMOVE:
        snprintf(buffer, size, "%s %d %s", op_names[step->op], step->arg, name);
        break;
    case OP_SEND:
        snprintf(buffer, size, "send_from_child %s x%d by %s", name, is_realtime(step->sig) ? step->count : 1,
                 step->arg ? "sigqueue" : "kill");
        break;
    default:
        snprintf(buffer, size, "%s %s", op_names[step->op], name);
    }
}

static void print_sequence(const struct step *steps, int count)
{
    char line[96];
    for (int i = 0; i < count; i++) {
        describe(&steps[i], line, sizeof line);
        fprintf(stderr, "  %3d: %s\n", i, line);
    }
}

/* --- the model -------------------------------------------------------------------------------------- */

static int kind_of(int entity)
{
    switch (entity) {
    case E_IGN:
        return SIGNALS_DISPOSITION_IGNORED;
    case E_OURS:
        return SIGNALS_DISPOSITION_OURS;
    case E_DFL:
        return SIGNALS_DISPOSITION_DEFAULT;
    default:
        return SIGNALS_DISPOSITION_FOREIGN;
    }
}

static int is_chainer(int entity)
{
    return entity == E_CHAINER0 || entity == E_CHAINER1;
}

static int live(int policy)
{
    return policy != 0;
}

static int subscribed(int policy)
{
    return policy == SIGNALS_POLICY_HANDLE || policy == SIGNALS_POLICY_OBSERVE;
}

/* One delivery along the chain, from `entity`. `ours_chaining`: an invocation of ours further up is
 * chaining this same delivery (the re-entry guard returns at once). Ours skips a previous action that is
 * the one on top (handler.c, chain_to_previous). */
static void simulate(struct model *m, int s, int entity, int *ours_chaining, int depth)
{
    if (depth > 32) {
        fprintf(stderr, "model error: chain without end\n");
        exit(3);
    }
    if (is_chainer(entity)) {
        int k = entity - E_CHAINER0;
        m->chainer_calls[k][s]++;
        simulate(m, s, m->chainer_saved[k][s], ours_chaining, depth + 1);
    } else if (entity == E_OURS && !*ours_chaining) {
        if (subscribed(m->policy[s]))
            m->records[s]++;
        /* Ours never chains to the action on top: that one already ran for this delivery; nor from a forgotten
         * slot (policy 0), whose saved function ran already or is gone (handler.c). */
        int chains = m->policy[s] == SIGNALS_POLICY_OBSERVE || m->policy[s] == PASSTHROUGH;
        if (chains && m->previous[s] != E_OURS && m->previous[s] != m->top[s]) {
            *ours_chaining = 1;
            simulate(m, s, m->previous[s], ours_chaining, depth + 1);
            *ours_chaining = 0;
        }
    }
}

static void deliver(struct model *m, int s, int times)
{
    for (int i = 0; i < times; i++) {
        int ours_chaining = 0;
        simulate(m, s, m->top[s], &ours_chaining, 0);
    }
}

/* A chaining handler installed now would chain to `top`: refuse if that leads back to it through
 * chaining handlers alone (a cycle without ours, which nothing could cut). */
static int chainer_install_allowed(const struct model *m, int s, int k)
{
    int entity = m->top[s];
    for (int depth = 0; is_chainer(entity) && depth < 8; depth++) {
        if (entity == E_CHAINER0 + k)
            return 0;
        entity = m->chainer_saved[entity - E_CHAINER0][s];
    }
    return 1;
}

static void save_previous(struct model *m, int s, int entity)
{
    m->previous[s] = entity;
    m->went_above[s] = 0;
}

/* Ours on top: a saved chainer is stale when an install saw it above ours since (its owner installed it again
 * over ours, then put ours back), or when the slot is forgotten (our restore put that chainer on top, and only
 * its owner, which had saved ours, put ours back): core.c, forget_stale_previous_locked. SIG_DFL stands in. */
static void forget_stale(struct model *m, int s)
{
    if (is_chainer(m->previous[s]) && (m->went_above[s] || m->policy[s] == 0))
        save_previous(m, s, E_DFL);
}

/* The library's restore, in the model. Returns what signals_restore returns. */
static int model_restore(struct model *m, int s)
{
    if (!live(m->policy[s]))
        return -ENOENT;
    if (m->top[s] != E_OURS) {
        m->policy[s] = PASSTHROUGH;
        return 1;
    }
    forget_stale(m, s);
    m->top[s] = m->previous[s];
    m->policy[s] = 0;
    return 0;
}

/* --- running a sequence (in a child process) ------------------------------------------------------------- */

static int verbose;
static int failed_step;

static void mismatch(int step, const char *format, ...)
{
    if (verbose) {
        va_list arguments;
        va_start(arguments, format);
        fprintf(stderr, "step %d: ", step);
        vfprintf(stderr, format, arguments);
        fprintf(stderr, "\n");
        va_end(arguments);
    }
    failed_step = step;
}

static void *raise_thread(void *argument)
{
    raise(*(int *)argument);
    return NULL;
}

struct send_plan {
    int signo, count, by_sigqueue;
};

static int send_to_parent(void *argument)
{
    const struct send_plan *plan = argument;
    for (int i = 0; i < plan->count; i++) {
        int result = plan->by_sigqueue ? signals_sigqueue(getppid(), plan->signo, i) : kill(getppid(), plan->signo);
        if (result != 0)
            return 20;
    }
    return 0;
}

/* In a forked child the inherited handlers run but record nothing. */
static int raise_in_child(void *argument)
{
    int signo = *(int *)argument;
    uint64_t before, after;
    if (signals_counters(signo, &before, NULL) != 0 || raise(signo) != 0 ||
        signals_counters(signo, &after, NULL) != 0)
        return 21;
    return after == before ? 0 : 22;
}

static int wait_child(pid_t pid)
{
    int status;
    pid_t result;
    while ((result = waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
    }
    return result == pid && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Applies one step to the library and to the model; 0, or -1 after reporting a mismatch. */
static int apply(struct model *m, const struct step *step, int index)
{
    int s = step->sig, signo = signal_number(s), k = step->arg;
    int result = 0, expected = 0;
    int sends = step->op == OP_RAISE || step->op == OP_RAISE_ON_THREAD || step->op == OP_SEND ||
                step->op == OP_FORK_CHILD_RAISES;
    if (sends && m->top[s] == E_DFL)
        return 0; /* its default action would end the process: not a step this test takes */
    errno = 0;
    switch (step->op) {
    case OP_INSTALL: {
        int policy = step->arg ? SIGNALS_POLICY_OBSERVE : SIGNALS_POLICY_HANDLE;
        result = signals_install(signo, policy);
        if (m->top[s] == E_OURS) {
            forget_stale(m, s);
            m->policy[s] = policy;
        } else if (live(m->policy[s]) && is_chainer(m->top[s])) {
            m->went_above[s] |= m->top[s] == m->previous[s];
            m->policy[s] = policy;
        } else {
            save_previous(m, s, m->top[s]);
            m->top[s] = E_OURS;
            m->policy[s] = policy;
        }
        break;
    }
    case OP_UNINSTALL:
        result = signals_uninstall(signo);
        if (subscribed(m->policy[s]))
            m->policy[s] = PASSTHROUGH;
        else
            expected = -ENOENT;
        break;
    case OP_RESTORE:
        result = signals_restore(signo);
        expected = model_restore(m, s);
        break;
    case OP_SET_IGNORED:
        result = signals_set_builtin(signo, 1);
        m->top[s] = E_IGN;
        m->policy[s] = 0;
        save_previous(m, s, E_IGN);
        break;
    case OP_TAMPER:
        set_action(signo, SIG_IGN);
        m->top[s] = E_IGN;
        break;
    case OP_CHAINER_INSTALL:
        if (!chainer_install_allowed(m, s, k))
            return 0; /* would make a cycle of foreign handlers alone: not a step this test takes */
        chainer_install(k, signo);
        m->chainer_saved[k][s] = m->top[s];
        m->top[s] = E_CHAINER0 + k;
        break;
    case OP_CHAINER_REMOVE:
        result = chainer_remove(k, signo);
        expected = m->top[s] == E_CHAINER0 + k;
        if (expected)
            m->top[s] = m->chainer_saved[k][s];
        break;
    case OP_REINSTALL:
        result = signals_reinstall(signo);
        if (!subscribed(m->policy[s])) {
            expected = -ENOENT;
        } else if (m->top[s] == E_IGN || m->top[s] == E_DFL) {
            save_previous(m, s, m->top[s]);
            m->top[s] = E_OURS;
        }
        break;
    case OP_RAISE:
        result = raise(signo);
        deliver(m, s, 1);
        break;
    case OP_RAISE_ON_THREAD: {
        pthread_t thread;
        if (pthread_create(&thread, NULL, raise_thread, &signo) != 0 || pthread_join(thread, NULL) != 0)
            result = -1;
        deliver(m, s, 1);
        break;
    }
    case OP_SEND: {
        /* Standard signals pending twice coalesce in the kernel: one at a time for them. */
        struct send_plan plan = {signo, is_realtime(s) ? step->count : 1, step->arg};
        result = wait_child(spawn(send_to_parent, &plan));
        /* The child's signals were pending before it exited, so they were delivered (on this, the only
         * thread) before waitpid returned. */
        deliver(m, s, plan.count);
        break;
    }
    case OP_FORK_CHILD_RAISES:
        result = wait_child(spawn(raise_in_child, &signo));
        break;
    case OP_SHUTDOWN:
        result = signals_shutdown();
        for (int i = 0; i < MODEL_SIGNALS; i++)
            (void)model_restore(m, i);
        break;
    }
    if (result == -1 && errno != 0)
        result = -errno;
    if (result != expected) {
        mismatch(index, "%s returned %d, the model says %d", op_names[step->op], result, expected);
        return -1;
    }
    return 0;
}

/* Compares everything observable with the model; reads the records the step produced. */
static int check(struct model *m, int index)
{
    uint64_t tampered = 0;
    for (int s = 0; s < MODEL_SIGNALS; s++) {
        int signo = signal_number(s);
        if (signals_disposition(signo) != kind_of(m->top[s])) {
            mismatch(index, "signal %d: disposition %d, the model says %d", signo, signals_disposition(signo),
                     kind_of(m->top[s]));
            return -1;
        }
        int policy = m->policy[s] == PASSTHROUGH ? 0 : m->policy[s];
        if (signals_policy(signo) != policy) {
            mismatch(index, "signal %d: policy %d, the model says %d", signo, signals_policy(signo), policy);
            return -1;
        }
        int previous = live(m->policy[s]) ? kind_of(m->previous[s]) : -1;
        if (signals_previous_disposition(signo) != previous) {
            mismatch(index, "signal %d: previous disposition %d, the model says %d", signo,
                     signals_previous_disposition(signo), previous);
            return -1;
        }
        if (subscribed(m->policy[s]) && (m->top[s] == E_IGN || m->top[s] == E_DFL))
            tampered |= SIGNAL_BIT(signo);
        for (int k = 0; k < CHAINERS; k++)
            if (chainer_calls(k, signo) != m->chainer_calls[k][s]) {
                mismatch(index, "signal %d: chaining handler %d ran %llu times, the model says %llu", signo, k,
                         (unsigned long long)chainer_calls(k, signo), (unsigned long long)m->chainer_calls[k][s]);
                return -1;
            }
    }
    if (signals_tampered() != tampered) {
        mismatch(index, "tampered 0x%llx, the model says 0x%llx", (unsigned long long)signals_tampered(),
                 (unsigned long long)tampered);
        return -1;
    }
    /* Every delivery of the step happened before it returned (see OP_SEND), so its record is already in
     * the ring; the wait toward the deadline only covers slow tools (valgrind). */
    uint64_t read[MODEL_SIGNALS] = {0}, wanted = 0, got = 0;
    for (int s = 0; s < MODEL_SIGNALS; s++)
        wanted += m->records[s];
    int64_t deadline = monotonic_ms() + DEADLINE_MS;
    signals_record records[64];
    for (;;) {
        int count = signals_read(records, 64);
        if (count < 0) {
            mismatch(index, "signals_read failed (errno %d)", errno);
            return -1;
        }
        for (int i = 0; i < count; i++) {
            int s = -1;
            for (int j = 0; j < MODEL_SIGNALS; j++)
                if (records[i].signo == signal_number(j))
                    s = j;
            if (s < 0 || records[i].coalesced != 0) {
                mismatch(index, "unexpected record: signo %d coalesced %u", records[i].signo, records[i].coalesced);
                return -1;
            }
            /* The flag says whether the delivery came under HANDLE (the previous action did not run). */
            uint32_t flags = m->policy[s] == SIGNALS_POLICY_HANDLE ? SIGNALS_RECORD_HANDLED : 0;
            if (records[i].reserved != flags) {
                mismatch(index, "signal %d: record flags %u, the model says %u", records[i].signo,
                         records[i].reserved, flags);
                return -1;
            }
            read[s]++;
            got++;
        }
        if (count == 0 && (got >= wanted || monotonic_ms() > deadline))
            break;
        if (count == 0)
            signals_wait(10);
    }
    for (int s = 0; s < MODEL_SIGNALS; s++)
        if (read[s] != m->records[s]) {
            mismatch(index, "signal %d: %llu records, the model says %llu", signal_number(s),
                     (unsigned long long)read[s], (unsigned long long)m->records[s]);
            return -1;
        }
    memset(m->records, 0, sizeof m->records);
    return 0;
}

static int run_steps(const struct step *steps, int count)
{
    struct model m;
    memset(&m, 0, sizeof m);
    for (int s = 0; s < MODEL_SIGNALS; s++) {
        /* Every model signal starts ignored and forgotten: no delivery can end the process. */
        if (signals_set_builtin(signal_number(s), 1) != 0)
            return 4;
        m.top[s] = m.previous[s] = E_IGN;
        for (int k = 0; k < CHAINERS; k++)
            m.chainer_saved[k][s] = E_IGN;
    }
    for (int i = 0; i < count; i++) {
        if (verbose > 1) {
            char line[96];
            describe(&steps[i], line, sizeof line);
            fprintf(stderr, "  %3d: %s\n", i, line);
        }
        if (apply(&m, &steps[i], i) != 0 || check(&m, i) != 0)
            return 1;
    }
    return 0;
}

/* Runs a sequence in a child process: 0 passed, otherwise a description of how it failed. */
static const char *run_isolated(const struct step *steps, int count, int verbosity)
{
    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        verbose = verbosity;
        signal(SIGALRM, SIG_DFL);
        alarm(60); /* a hang is a failure */
        _exit(run_steps(steps, count));
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        CHECK_EQ(EINTR, errno);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return NULL;
    if (WIFEXITED(status))
        return WEXITSTATUS(status) == 1 ? "mismatch with the model" : "error";
    return WTERMSIG(status) == SIGALRM ? "hang (killed by the watchdog)" : "crash (killed by a signal)";
}

static int env_int(const char *name, int fallback)
{
    const char *value = getenv(name);
    return value != NULL && *value != 0 ? atoi(value) : fallback;
}

/* Removes steps one at a time while the sequence still fails, until no single removal keeps it
 * failing. */
static int shrink(struct step *steps, int count)
{
    for (int changed = 1; changed;) {
        changed = 0;
        for (int i = count - 1; i >= 0; i--) {
            struct step candidate[MAX_STEPS];
            memcpy(candidate, steps, (size_t)i * sizeof *steps);
            memcpy(candidate + i, steps + i + 1, (size_t)(count - i - 1) * sizeof *steps);
            if (run_isolated(candidate, count - 1, 0) != NULL) {
                memcpy(steps, candidate, (size_t)(count - 1) * sizeof *steps);
                count--;
                changed = 1;
            }
        }
    }
    return count;
}

TEST(model)
{
    uint64_t seed = (uint64_t)monotonic_ns() ^ ((uint64_t)getpid() << 20);
    const char *fixed = getenv("SIGNALS_MODEL_SEED");
    if (fixed != NULL && *fixed != 0)
        seed = strtoull(fixed, NULL, 0);
    int sequences = env_int("SIGNALS_MODEL_SEQUENCES", fixed != NULL && *fixed != 0 ? 1 : 300);
    int steps_per_sequence = env_int("SIGNALS_MODEL_STEPS", 30);
    CHECK(steps_per_sequence > 0 && steps_per_sequence <= MAX_STEPS);
    fprintf(stderr, "model: seed %llu (SIGNALS_MODEL_SEED=%llu replays it)\n", (unsigned long long)seed,
            (unsigned long long)seed);

    int64_t budget_end = monotonic_ms() + TIME_BUDGET_MS;
    int ran = 0;
    for (int n = 0; n < sequences; n++) {
        if (n > 0 && monotonic_ms() > budget_end) {
            fprintf(stderr, "model: time budget spent\n");
            break;
        }
        /* Sequence n of seed S is sequence 0 of seed S + n: any failing one replays alone. */
        rng_state = seed + (uint64_t)n;
        struct step steps[MAX_STEPS];
        generate(steps, steps_per_sequence);
        const char *failure = run_isolated(steps, steps_per_sequence, 0);
        ran++;
        if (failure == NULL)
            continue;
        fprintf(stderr, "model: FAILED (%s): seed %llu, sequence of SIGNALS_MODEL_SEED=%llu\n", failure,
                (unsigned long long)seed, (unsigned long long)(seed + (uint64_t)n));
        print_sequence(steps, steps_per_sequence);
        int shortest = shrink(steps, steps_per_sequence);
        fprintf(stderr, "model: shortest sequence that still fails (%d steps):\n", shortest);
        print_sequence(steps, shortest);
        fprintf(stderr, "model: replaying it:\n");
        fprintf(stderr, "model: %s\n", run_isolated(steps, shortest, 2) ? "failed again" : "passed (flaky?)");
        CHECK(!"a sequence disagreed with the model");
    }
    fprintf(stderr, "model: %d sequences x %d steps passed\n", ran, steps_per_sequence);
}
