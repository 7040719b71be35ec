/*
 * line_feeder.c — writes "line 0" .. "line COUNT-1" to stdout, one every INTERVAL_US microseconds, so
 * that a reader's Console.ReadLine spends its time blocked in read(2) on a pipe, where signals
 * interrupt it (the EINTR scenario of tests/stress). Usage: line_feeder COUNT INTERVAL_US
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: line_feeder COUNT INTERVAL_US\n");
        return 2;
    }
    long count = strtol(argv[1], NULL, 10), interval_us = strtol(argv[2], NULL, 10);
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (long line = 0; line < count; line++) {
        if (printf("line %ld\n", line) < 0)
            return 1;
        struct timespec pause = {.tv_sec = interval_us / 1000000, .tv_nsec = (interval_us % 1000000) * 1000};
        while (nanosleep(&pause, &pause) != 0 && errno == EINTR)
            ;
    }
    return 0;
}
