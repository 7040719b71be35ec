/* harness.c — the registry filled by TEST(...) and the entry point: `signals_native_tests NAME` runs
 * one test (exit 0 on success; a failed CHECK exits 1), `signals_native_tests --list` lists them. */
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define MAX_TESTS 128
static struct test_case tests[MAX_TESTS];
static int test_count;

void harness_register(const char *name, void (*run)(void))
{
    if (test_count == MAX_TESTS) {
        fprintf(stderr, "harness: more than %d tests\n", MAX_TESTS);
        abort();
    }
    tests[test_count].name = name;
    tests[test_count].run = run;
    test_count++;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (int i = 0; i < test_count; i++)
            printf("%s\n", tests[i].name);
        return 0;
    }
    for (int i = 0; argc == 2 && i < test_count; i++)
        if (strcmp(argv[1], tests[i].name) == 0) {
            tests[i].run();
            fflush(stdout);
            return 0;
        }
    fprintf(stderr, "usage: %s TEST (or --list)\n", argv[0]);
    return 2;
}
