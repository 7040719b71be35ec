/* harness.h — a tiny test harness: each test is a function, each ctest entry runs one of them in its
 * own process (`signals_native_tests NAME`), with a TIMEOUT set in CMakeLists.txt. */
#ifndef SIGNALS_TEST_HARNESS_H
#define SIGNALS_TEST_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(condition)                                                                              \
    do {                                                                                              \
        if (!(condition)) {                                                                           \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #condition);             \
            exit(1);                                                                                  \
        }                                                                                             \
    } while (0)

#define CHECK_EQ(expected, actual)                                                                    \
    do {                                                                                              \
        long long expected_ = (long long)(expected), actual_ = (long long)(actual);                   \
        if (expected_ != actual_) {                                                                   \
            fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %s (expected %lld, got %lld)\n", __FILE__, \
                    __LINE__, #expected, #actual, expected_, actual_);                                \
            exit(1);                                                                                  \
        }                                                                                             \
    } while (0)

struct test_case {
    const char *name;
    void (*run)(void);
};

#endif
