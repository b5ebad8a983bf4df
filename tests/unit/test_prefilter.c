/* Unit tests for prefilter.c: which rules it can place, and the places. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

static hmmm_ruleset *load(const char *text)
{
    hmmm_ruleset *rs = hmmm_ruleset_new();
    hmmm_diags *d = hmmm_diags_new();
    assert_int_equal(hmmm_ruleset_load_buffer(rs, "p.yaml", text, strlen(text), d), HMMM_OK);
    assert_int_equal(hmmm_ruleset_compile(rs, d), HMMM_OK);
    hmmm_diags_free(d);
    return rs;
}

static const char rules[] =
    "pack: p\nrules:\n"
    "  - id: words\n    words: [\"service user*\", co-production]\n"
    "    message: m\n"
    "  - id: bounded\n    pattern: '\\b(?:our|the)\\s+(?:most\\s+)?needy'\n"
    "    message: m\n"
    "  - id: unbounded\n    pattern: 'ment\\b'\n    message: m\n"
    "  - id: optional-start\n    pattern: '\\b(?:very\\s+)?needy'\n"
    "    message: m\n"
    "  - id: quote-start\n    words: [\"'I' statements\"]\n    message: m\n";

static void which_rules_are_placed(void **state)
{
    (void)state;
    hmmm_ruleset *rs = load(rules);
    assert_true(hm_prefilter_covers(rs->pf, 0));  /* words */
    assert_true(hm_prefilter_covers(rs->pf, 1));  /* \b and literals */
    assert_false(hm_prefilter_covers(rs->pf, 2)); /* may start inside a word */
    assert_true(hm_prefilter_covers(rs->pf, 3));  /* "very needy" or "needy" */
    assert_false(hm_prefilter_covers(rs->pf, 4)); /* starts with a quote */
    hmmm_ruleset_free(rs);
}

typedef struct hits {
    size_t rule[64], pos[64], n;
} hits;

static int record(void *arg, size_t rule, size_t pos)
{
    hits *h = arg;
    if (h->n < 64) {
        h->rule[h->n] = rule;
        h->pos[h->n] = pos;
        h->n++;
    }
    return 0;
}

static int has(const hits *h, size_t rule, size_t pos)
{
    for (size_t i = 0; i < h->n; i++)
        if (h->rule[i] == rule && h->pos[i] == pos)
            return 1;
    return 0;
}

static void places_are_word_starts_with_the_prefixes(void **state)
{
    (void)state;
    hmmm_ruleset *rs = load(rules);
    /*                 0         1         2         3         4         5
     *                 0123456789012345678901234567890123456789012345678901234 */
    const char *text = "Service\nusers, the most needy, coproduction, xservice users";
    hits h = {0};
    assert_int_equal(hm_prefilter_scan(rs->pf, text, strlen(text), record, &h), 0);
    assert_true(has(&h, 0, 0));   /* "Service\nusers": SEP is any gap */
    assert_true(has(&h, 1, 15));  /* "the most needy" */
    assert_true(has(&h, 0, 31));  /* "coproduction": the hyphen may be nothing */
    assert_false(has(&h, 0, 46)); /* not inside "xservice" */
    assert_false(has(&h, 1, 24)); /* "needy" alone is not the start of rule 1 */
    assert_true(has(&h, 3, 24));  /* but it is one of rule 3 */
    hmmm_ruleset_free(rs);
}

static void folding_letters_start_words(void **state)
{
    (void)state;
    hmmm_ruleset *rs = load("pack: p\nrules:\n  - id: k\n    words: [kind]\n    message: m\n");
    const char *text = "a \xE2\x84\xAAind word"; /* KELVIN SIGN, then "ind" */
    hits h = {0};
    hm_prefilter_scan(rs->pf, text, strlen(text), record, &h);
    assert_true(has(&h, 0, 2));
    hmmm_result *res;
    assert_int_equal(hmmm_check(rs, text, strlen(text), HMMM_TEXT, &res), HMMM_OK);
    assert_int_equal(hmmm_result_count(res), 1); /* PCRE2 agrees that it matches */
    hmmm_result_free(res);
    hmmm_ruleset_free(rs);
}

static void stops_when_asked(void **state)
{
    (void)state;
    hmmm_ruleset *rs = load(rules);
    const char *text = "service users and service users";
    assert_int_equal(hm_prefilter_scan(rs->pf, text, strlen(text),
                                       (int (*)(void *, size_t, size_t))record, &(hits){0}),
                     0);
    hmmm_ruleset_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(which_rules_are_placed),
        cmocka_unit_test(places_are_word_starts_with_the_prefixes),
        cmocka_unit_test(folding_letters_start_words),
        cmocka_unit_test(stops_when_asked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
