/* harness.h — a tiny test harness: each test is a function declared with TEST(name); each ctest entry
 * runs one of them in its own process (`signals_native_tests NAME`), with a TIMEOUT set in
 * CMakeLists.txt, which also finds the names by scanning the sources for lines starting `TEST(`. */
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

/* A call that must fail with a given errno. */
#define CHECK_ERRNO(expected_errno, call)                                                             \
    do {                                                                                              \
        errno = 0;                                                                                    \
        long long result_ = (long long)(call);                                                        \
        int errno_ = errno;                                                                           \
        if (result_ != -1 || errno_ != (expected_errno)) {                                            \
            fprintf(stderr, "%s:%d: CHECK_ERRNO failed: %s (expected -1 errno %d, got %lld errno %d)\n", \
                    __FILE__, __LINE__, #call, (int)(expected_errno), result_, errno_);               \
            exit(1);                                                                                  \
        }                                                                                             \
    } while (0)

struct test_case {
    const char *name;
    void (*run)(void);
};

void harness_register(const char *name, void (*run)(void));

/* Defines a test and registers it before main() runs. The line must start with `TEST(` for CMake. */
#define TEST(name)                                                                                    \
    static void test_##name(void);                                                                    \
    __attribute__((constructor)) static void register_##name(void) { harness_register(#name, test_##name); } \
    static void test_##name(void)

#endif
