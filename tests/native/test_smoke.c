#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "harness.h"
#include "signals.h"

static void test_raise_records_one(void)
{
    CHECK_EQ(0, signals_install(SIGUSR1, SIGNALS_POLICY_HANDLE));
    CHECK_EQ(0, signals_raise(SIGUSR1));
    signals_record records[4];
    CHECK_EQ(1, signals_wait(10000));
    CHECK_EQ(1, signals_read(records, 4));
    CHECK_EQ(SIGUSR1, records[0].signo);
    CHECK_EQ(getpid(), records[0].sender_pid);
    CHECK_EQ(getuid(), records[0].sender_uid);
    CHECK_EQ(0, signals_restore(SIGUSR1));
    CHECK_EQ(SIGNALS_DISPOSITION_DEFAULT, signals_disposition(SIGUSR1));
}

static void test_refuses_sigkill(void)
{
    CHECK_EQ(-1, signals_install(SIGKILL, SIGNALS_POLICY_HANDLE));
    CHECK_EQ(EPERM, errno);
}

static const struct test_case tests[] = {
    {"raise_records_one", test_raise_records_one},
    {"refuses_sigkill", test_refuses_sigkill},
};

int main(int argc, char **argv)
{
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
        if (argc == 2 && strcmp(argv[1], tests[i].name) == 0) {
            tests[i].run();
            return 0;
        }
    fprintf(stderr, "unknown test\n");
    return 2;
}
