/*
 * bench_common.h — small helpers shared by the benchmark's C programs: the monotonic clock, the
 * acknowledgement FIFO, and the receivers' control protocol on stdin/stdout.
 *
 * Control protocol (every receiver, C or .NET): after setting up it prints "ready"; each "stats" line
 * on stdin is answered with "stats received=<n> ..."; end of stdin makes it exit. The acknowledgement
 * FIFO is opened O_RDWR on both sides, so neither open blocks waiting for the other end.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static inline int64_t bench_now_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000000LL + now.tv_nsec;
}

static inline int bench_open_fifo(const char *path)
{
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "bench: cannot open %s: %s\n", path, strerror(errno));
        exit(2);
    }
    return fd;
}

/* Writes all of buffer, restarting after EINTR (a signal may land on the writing thread). */
static inline void bench_write_all(int fd, const void *buffer, size_t size)
{
    const char *bytes = buffer;
    while (size > 0) {
        ssize_t written = write(fd, bytes, size);
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0) {
            fprintf(stderr, "bench: write failed: %s\n", strerror(errno));
            exit(2);
        }
        bytes += written;
        size -= (size_t)written;
    }
}

/* The receivers' main loop: answer "stats" with the delivery count until stdin closes. */
static inline void bench_control_loop(uint64_t (*received)(void))
{
    printf("ready\n");
    fflush(stdout);
    char line[128];
    while (fgets(line, sizeof line, stdin) != NULL) {
        if (strncmp(line, "stats", 5) == 0)
            printf("stats received=%llu\n", (unsigned long long)received());
        else
            printf("ok\n");
        fflush(stdout);
    }
}

#endif
