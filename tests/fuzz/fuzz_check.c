/* fuzz_check.c - the whole check of a document with every built-in pack,
 * as Markdown and as text: findings lie inside the document, in order; and
 * Markdown checked a window at a time (after every block, as little text
 * kept as the rules allow) gives the same findings as in one go. */
#include <string.h>

#include "fuzz.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const hmmm_ruleset *rules = fuzz_builtin_rules();
    static const hmmm_doctype types[] = {HMMM_TEXT, HMMM_MARKDOWN, HMMM_HTML};
    for (int t = 0; t < 3; t++) {
        hmmm_result *res = NULL;
        hmmm_status st = hmmm_check(rules, (const char *)data, size, types[t], &res);
        FUZZ_CHECK(st == HMMM_OK || st == HMMM_ELIMIT);
        size_t last = 0;
        for (size_t i = 0; i < hmmm_result_count(res); i++) {
            const hmmm_finding *f = hmmm_result_get(res, i);
            FUZZ_CHECK(f->offset + f->length <= size);
            FUZZ_CHECK(f->offset >= last);
            FUZZ_CHECK(f->line >= 1 && f->column >= 1);
            FUZZ_CHECK(f->end_line >= f->line);
            last = f->offset;
        }
        if (types[t] == HMMM_MARKDOWN) {
            hmmm_result *w = NULL;
            hmmm_status sw =
                hm_check_windowed(rules, (const char *)data, size, HMMM_MARKDOWN, 0, 1, 64, &w);
            FUZZ_CHECK(sw == st);
            FUZZ_CHECK(hmmm_result_count(w) == hmmm_result_count(res));
            FUZZ_CHECK(hmmm_result_words(w) == hmmm_result_words(res));
            for (size_t i = 0; i < hmmm_result_count(res); i++) {
                const hmmm_finding *a = hmmm_result_get(res, i), *b = hmmm_result_get(w, i);
                FUZZ_CHECK(a->rule == b->rule && a->offset == b->offset && a->length == b->length &&
                           !strcmp(a->match, b->match));
            }
            hmmm_result_free(w);
        }
        hmmm_result_free(res);
    }
    return 0;
}
