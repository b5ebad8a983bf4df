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

#include <hmmm/hmmm.h>

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);           \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The built-in packs, compiled without the JIT (its code cannot be
 * followed by the sanitizers), made on the first call and kept. */
static inline hmmm_ruleset *fuzz_builtin_rules(void)
{
    static hmmm_ruleset *rules;
    if (!rules) {
        hmmm_diags *d = hmmm_diags_new();
        rules = hmmm_ruleset_new();
        FUZZ_CHECK(d && rules);
        hmmm_ruleset_set_jit(rules, 0);
        FUZZ_CHECK(hmmm_ruleset_load_builtin(rules, NULL, 0, d) == HMMM_OK);
        FUZZ_CHECK(hmmm_ruleset_compile(rules, d) == HMMM_OK);
        hmmm_diags_free(d);
    }
    return rules;
}

#endif
