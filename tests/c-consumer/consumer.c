/*
 * A C user of the installed libsignals: handle SIGUSR1, raise it, read the record the handler wrote.
 * Exit status 0 when the record is right; otherwise it prints what was wrong and exits 1.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <signals.h>

static int fail(const char *what) {
    perror(what);
    return 1;
}

int main(void) {
    if (signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE) != 0)
        return fail("signals_install(SIGUSR1)");
    if (signals_sigqueue(getpid(), SIGUSR1, 4242) != 0)
        return fail("signals_sigqueue");

    signals_record record;
    memset(&record, 0, sizeof record);
    int count = 0;
    /* Generous deadline: the record is written before sigqueue returns, but the machine may be loaded. */
    for (int attempt = 0; attempt < 30 && count == 0; attempt++) {
        if (signals_wait(1000) < 0)
            return fail("signals_wait");
        count = signals_read(&record, 1);
        if (count < 0)
            return fail("signals_read");
    }
    if (count != 1) {
        fprintf(stderr, "consumer: no record within 30 s\n");
        return 1;
    }
    printf("consumer: signo %d code %d pid %d value %lld\n", record.signo, record.code, record.sender_pid,
           (long long)record.value);
    if (record.signo != SIGUSR1 || record.code != SI_QUEUE || record.sender_pid != getpid() || record.value != 4242) {
        fprintf(stderr, "consumer: expected SIGUSR1, SI_QUEUE, pid %d, value 4242\n", (int)getpid());
        return 1;
    }
    if (signals_restore(SIGUSR1) != 0)
        return fail("signals_restore(SIGUSR1)");
    printf("consumer: OK\n");
    return 0;
}
