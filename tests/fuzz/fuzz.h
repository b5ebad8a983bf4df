/* fuzz.h - what every fuzz target shares. Each target defines
 * LLVMFuzzerTestOneInput; built with -fsanitize=fuzzer it is a libFuzzer
 * program, and built with replay.c it runs the files named on its command
 * line once each (the seeds and the regressions, in the ordinary tests). A
 * target aborts when an invariant fails, so the fuzzer reports it. */
#ifndef HMMM_FUZZ_H
#define HMMM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);           \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
