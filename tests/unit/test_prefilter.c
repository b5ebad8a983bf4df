/* Unit tests for prefilter.c: which rules it can place, and the places. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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
    assert_int_equal(hm_prefilter_scan(rs->pf, text, strlen(text), record, &h, NULL), 0);
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
    hm_prefilter_scan(rs->pf, text, strlen(text), record, &h, NULL);
    assert_true(has(&h, 0, 2));
    hmmm_result *res;
    assert_int_equal(hmmm_check(rs, text, strlen(text), HMMM_TEXT, &res), HMMM_OK);
    assert_int_equal(hmmm_result_count(res), 1); /* PCRE2 agrees that it matches */
    hmmm_result_free(res);
    hmmm_ruleset_free(rs);
}

static size_t places_of(const hits *h, size_t rule)
{
    size_t n = 0;
    for (size_t i = 0; i < h->n; i++)
        n += h->rule[i] == rule;
    return n;
}

/* A run of digits is one character of the keys, so a number followed by
 * the wrong word is not a place. */
static void digit_runs_are_one_step(void **state)
{
    (void)state;
    hmmm_ruleset *rs = load("pack: p\nrules:\n"
                            "  - id: weeks\n"
                            "    pattern: '\\b(?:\\d+|six)[- ]week\\s+consultation'\n"
                            "    message: m\n"
                            "  - id: year\n    pattern: '\\b20\\d{2} plan'\n    message: m\n");
    assert_true(hm_prefilter_covers(rs->pf, 0));
    assert_true(hm_prefilter_covers(rs->pf, 1));
    /*                 0         1         2         3         4         5
     *                 012345678901234567890123456789012345678901234567890123 */
    const char *text = "a 12-week consultation, 3 days, 2024 plans, 1 2 week 7";
    hits h = {0};
    hm_prefilter_scan(rs->pf, text, strlen(text), record, &h, NULL);
    assert_true(has(&h, 0, 2));
    assert_true(has(&h, 1, 32));
    assert_int_equal(places_of(&h, 0), 1); /* not "3 days" nor "2 week 7" */
    assert_int_equal(places_of(&h, 1), 1);
    hmmm_result *res;
    assert_int_equal(hmmm_check(rs, text, strlen(text), HMMM_TEXT, &res), HMMM_OK);
    assert_int_equal(hmmm_result_count(res), 2);
    hmmm_result_free(res);
    hmmm_ruleset_free(rs);
}

/* A space in a pattern is a gap between words, except where (?x) makes
 * PCRE2 pass over it. */
static void spaces_in_patterns(void **state)
{
    (void)state;
    hmmm_ruleset *rs = load("pack: p\nrules:\n"
                            "  - id: gap\n    pattern: '\\bfoo bar'\n    message: m\n"
                            "  - id: x\n    pattern: '\\b(?x:foo bar)'\n    message: m\n");
    const char *text = "foo baz, foobar";
    hits h = {0};
    hm_prefilter_scan(rs->pf, text, strlen(text), record, &h, NULL);
    assert_int_equal(places_of(&h, 0), 0);
    hmmm_result *res;
    assert_int_equal(hmmm_check(rs, text, strlen(text), HMMM_TEXT, &res), HMMM_OK);
    assert_int_equal(hmmm_result_count(res), 1);
    assert_string_equal(hmmm_result_get(res, 0)->rule->id, "p.x");
    hmmm_result_free(res);
    hmmm_ruleset_free(rs);
}

/* The scan reads the text 64 bytes at a time: a word that starts on either
 * side of a block's edge is found, and one that runs across it is not
 * started again. */
static void words_across_blocks(void **state)
{
    (void)state;
    hmmm_ruleset *rs = load(rules);
    for (size_t at = 56; at <= 72; at++) {
        char text[160];
        memset(text, ' ', sizeof text);
        memcpy(text + at, "service users", 13);
        memcpy(text + 100, "Xservice users", 14);  /* inside a word, at 101 */
        memcpy(text + 120, "abcdefghservice", 15); /* over the edge at 128 */
        hits h = {0};
        hm_prefilter_scan(rs->pf, text, sizeof text, record, &h, NULL);
        assert_true(has(&h, 0, at));
        assert_int_equal(places_of(&h, 0), 1);
    }
    hmmm_ruleset_free(rs);
}

/* Position of the Nth (0-based) NEEDLE in TEXT. */
static size_t nth(const char *text, const char *needle, int n)
{
    const char *p = text;
    for (;; p++) {
        p = strstr(p, needle);
        assert_non_null(p);
        if (n-- == 0)
            return (size_t)(p - text);
    }
}

/* Most words are passed over on their first four characters; keys of one
 * and two characters, gaps of several characters and words that do go on
 * in the trie are still walked. */
static void first_four_characters_gate(void **state)
{
    (void)state;
    hmmm_ruleset *rs = load("pack: p\nrules:\n"
                            "  - id: board\n    words: [to the board]\n    message: m\n"
                            "  - id: a\n    words: [a]\n    message: m\n"
                            "  - id: ox\n    words: [ox]\n    message: m\n");
    const char *text = "A box; ox-bow, oxen, to the board, to,\t the board, too, tot, toe.";
    hits h = {0};
    hm_prefilter_scan(rs->pf, text, strlen(text), record, &h, NULL);
    assert_true(has(&h, 1, 0));
    assert_int_equal(places_of(&h, 1), 1); /* not "box" */
    assert_true(has(&h, 2, nth(text, "ox-", 0)));
    assert_true(has(&h, 2, nth(text, "oxen", 0))); /* a place; PCRE2 says no */
    assert_int_equal(places_of(&h, 2), 2);
    assert_true(has(&h, 0, nth(text, "to", 0)));
    assert_true(has(&h, 0, nth(text, "to,", 0)));
    assert_int_equal(places_of(&h, 0), 2); /* not "too", "tot", "toe" */
    hmmm_result *res;
    assert_int_equal(hmmm_check(rs, text, strlen(text), HMMM_TEXT, &res), HMMM_OK);
    /* "A", "ox" and the first "to the board": a comma is not a gap. */
    assert_int_equal(hmmm_result_count(res), 3);
    hmmm_result_free(res);
    hmmm_ruleset_free(rs);
}

/* Every place a scan reports, in order. */
typedef struct all_hits {
    size_t *rule, *pos, n, cap;
} all_hits;

static int record_all(void *arg, size_t rule, size_t pos)
{
    all_hits *h = arg;
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 256;
        h->rule = realloc(h->rule, h->cap * sizeof *h->rule);
        h->pos = realloc(h->pos, h->cap * sizeof *h->pos);
        assert_non_null(h->rule);
        assert_non_null(h->pos);
    }
    h->rule[h->n] = rule;
    h->pos[h->n] = pos;
    h->n++;
    return 0;
}

/* Random text made of BITS, LEN bytes at most, into TEXT. */
static size_t random_text(char *text, size_t len, const char *const *bits, size_t n_bits,
                          unsigned *seed)
{
    size_t n = 0;
    for (;;) {
        *seed = *seed * 1103515245u + 12345u;
        const char *b = bits[(*seed >> 16) % n_bits];
        size_t k = strlen(b);
        if (n + k > len)
            return n;
        memcpy(text + n, b, k);
        n += k;
    }
}

/* The scan with its gate and walking from every word find the same
 * places, in the same order, and count the same words: in text made of
 * the words keys start with, runs of digits and of gaps, '_', letters
 * that fold, bytes beyond ASCII and odd case, for the built-in packs and
 * for keys of one and two characters. */
static void the_gate_passes_over_no_place(void **state)
{
    (void)state;
    static const char *const bits[] = {
        "the ",
        "to ",
        "in the ",
        "service",
        "user",
        "s ",
        " ",
        "  ",
        "\t",
        "-",
        ", ",
        "\n\n",
        "_",
        "12",
        "2024 ",
        "3 ",
        "week",
        " plan",
        "co",
        "-production ",
        "production ",
        "voice ",
        "feed",
        "back ",
        "sign",
        "-off ",
        "off ",
        "buy",
        "-in ",
        "sense",
        "check ",
        "hard to reach ",
        "you said",
        "we did ",
        "\xE2\x84\xAA", /* Kelvin */
        "\xC5\xBF",
        /* long s */ "\xE2\x80\x99",
        "caf\xC3\xA9 ",
        "EMPOWER ",
        "Engag",
        "ement ",
        "managing ",
        "expectations ",
        "a ",
        "ox",
        "ox ",
        "board ",
        "looking after ",
        "deliver",
        "ing ",
        "market shaping ",
        "block ",
        "contract ",
        "'",
        "\"",
        "...",
        "1",
        "x",
        "raising awareness ",
        "have your say ",
        "-week plan ",
        " week plan ",
        "six",
        "six week plan ",
    };
    static const char small[] = "pack: p\nrules:\n"
                                "  - id: board\n    words: [to the board]\n    message: m\n"
                                "  - id: a\n    words: [a]\n    message: m\n"
                                "  - id: ox\n    words: [ox]\n    message: m\n"
                                "  - id: weeks\n"
                                "    pattern: '\\b(?:\\d+|six)[- ]week\\s+plan'\n"
                                "    message: m\n";
    for (int set = 0; set < 2; set++) {
        hmmm_ruleset *gated, *open;
        if (set == 0) {
            gated = load(small);
            open = load(small);
        } else {
            gated = hmmm_ruleset_new();
            open = hmmm_ruleset_new();
            assert_int_equal(hmmm_ruleset_load_builtin(gated, NULL, 0, NULL), HMMM_OK);
            assert_int_equal(hmmm_ruleset_load_builtin(open, NULL, 0, NULL), HMMM_OK);
            assert_int_equal(hmmm_ruleset_compile(gated, NULL), HMMM_OK);
            assert_int_equal(hmmm_ruleset_compile(open, NULL), HMMM_OK);
        }
        hm_prefilter_open_gate(open->pf);
        unsigned seed = 11;
        size_t places = 0;
        for (int round = 0; round < 400; round++) {
            char text[600];
            size_t len = random_text(text, sizeof text - (size_t)round % 64, bits,
                                     sizeof bits / sizeof bits[0], &seed);
            all_hits a = {0}, b = {0};
            size_t wa = 0, wb = 0;
            assert_int_equal(hm_prefilter_scan(gated->pf, text, len, record_all, &a, &wa), 0);
            assert_int_equal(hm_prefilter_scan(open->pf, text, len, record_all, &b, &wb), 0);
            assert_int_equal(a.n, b.n);
            for (size_t i = 0; i < a.n; i++) {
                assert_int_equal(a.rule[i], b.rule[i]);
                assert_int_equal(a.pos[i], b.pos[i]);
            }
            assert_int_equal(wa, wb);
            places += a.n;
            free(a.rule);
            free(a.pos);
            free(b.rule);
            free(b.pos);
        }
        assert_true(places > 1000); /* the text does hold places */
        hmmm_ruleset_free(gated);
        hmmm_ruleset_free(open);
    }
}

static void stops_when_asked(void **state)
{
    (void)state;
    hmmm_ruleset *rs = load(rules);
    const char *text = "service users and service users";
    assert_int_equal(hm_prefilter_scan(rs->pf, text, strlen(text),
                                       (int (*)(void *, size_t, size_t))record, &(hits){0}, NULL),
                     0);
    hmmm_ruleset_free(rs);
}

/* A pattern that may begin with a quote before its first word is placed
 * by that word, and its anchored pattern is tried a character earlier
 * too: the findings, quote and all, are those of a search of the whole
 * text. */
static void an_optional_quote_before_the_first_word(void **state)
{
    (void)state;
    static const char rule[] =
        "pack: p\nrules:\n"
        "  - id: i-statements\n"
        "    pattern: '[''\xE2\x80\x98\xE2\x80\x99\"]?\\bI\\b[''\xE2\x80\x98\xE2\x80\x99\"]?"
        "[\\s-]+statements?\\b'\n"
        "    case: sensitive\n"
        "    message: m\n";
    hmmm_ruleset *rs = load(rule);
    assert_true(hm_prefilter_covers(rs->pf, 0));
    assert_true(hm_prefilter_lead(rs->pf, 0));
    const char *text = "'I' statements, \xE2\x80\x98I\xE2\x80\x99 statement, I statements; "
                       "in statements, \"I\"-statements";
    hits h = {0};
    hm_prefilter_scan(rs->pf, text, strlen(text), record, &h, NULL);
    assert_true(has(&h, 0, 1));
    assert_false(has(&h, 0, 0));
    hmmm_result *res;
    assert_int_equal(hmmm_check(rs, text, strlen(text), HMMM_TEXT, &res), HMMM_OK);
    static const size_t want[][2] = {{0, 14}, {16, 33}, {35, 47}, {64, 78}};
    assert_int_equal(hmmm_result_count(res), 4);
    for (size_t i = 0; i < 4; i++) {
        const hmmm_finding *f = hmmm_result_get(res, i);
        assert_int_equal(f->offset, want[i][0]);
        assert_int_equal(f->offset + f->length, want[i][1]);
    }
    hmmm_result_free(res);
    hmmm_ruleset_free(rs);
}

/* The scan counts the words on its way, as hm_count_words does: straight
 * apostrophes and characters beyond ASCII are part of a word, and a word
 * may run across the scan's blocks of 64 bytes. */
static void counts_words_on_the_way(void **state)
{
    (void)state;
    hmmm_ruleset *rs = load(rules);
    char text[700];
    static const char *const bits[] = {"don't ", "caf\xC3\xA9",  " - ",  "x_y ",
                                       "12,5 ",  "\xE2\x80\x99", "\n\n", "service users ",
                                       "a",      "...",          "B2B "};
    unsigned seed = 7;
    for (int round = 0; round < 200; round++) {
        size_t n = 0;
        while (n + 16 < sizeof text) {
            seed = seed * 1103515245u + 12345u;
            const char *b = bits[(seed >> 16) % (sizeof bits / sizeof bits[0])];
            memcpy(text + n, b, strlen(b));
            n += strlen(b);
        }
        size_t len = (size_t)round * 3 % n + 1;
        size_t words = SIZE_MAX;
        hits h = {0};
        assert_int_equal(hm_prefilter_scan(rs->pf, text, len, record, &h, &words), 0);
        assert_int_equal(words, hm_count_words(text, len));
    }
    size_t words = SIZE_MAX;
    assert_int_equal(hm_prefilter_scan(rs->pf, "", 0, record, &(hits){0}, &words), 0);
    assert_int_equal(words, 0);
    hmmm_ruleset_free(rs);
}

/* Scanning a text whose end is still to come stops at the first word whose
 * walk reaches that end, and goes on from there once more text is there:
 * the places and words are those of one scan, whatever the cut. */
static void scans_in_pieces_as_in_one(void **state)
{
    (void)state;
    hmmm_ruleset *rs = load(rules);
    const char *text = "the most needy service users, 12 coproduction and the\n\n  very "
                       "needy ment service  users";
    size_t len = strlen(text), words = 0;
    hits whole = {0};
    assert_int_equal(hm_prefilter_scan(rs->pf, text, len, record, &whole, &words), 0);
    for (size_t cut = 0; cut <= len; cut++) {
        hits h = {0};
        size_t from = 0, n_words = 0;
        int r = hm_prefilter_scan_from(rs->pf, text, cut, &from, 1, record, &h, &n_words);
        assert_true(r == 0 || r == 1);
        assert_true(from <= cut);
        assert_true(r == 1 || from == cut); /* stopped early only when a walk ran out */
        assert_int_equal(hm_prefilter_scan_from(rs->pf, text, len, &from, 0, record, &h, &n_words),
                         0);
        assert_int_equal(from, len);
        assert_int_equal(n_words, words);
        /* The word it stopped at is walked again: the same places, some twice. */
        for (size_t i = 0; i < whole.n; i++)
            assert_true(has(&h, whole.rule[i], whole.pos[i]));
        for (size_t i = 0; i < h.n; i++)
            assert_true(has(&whole, h.rule[i], h.pos[i]));
    }
    hmmm_ruleset_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(which_rules_are_placed),
        cmocka_unit_test(places_are_word_starts_with_the_prefixes),
        cmocka_unit_test(folding_letters_start_words),
        cmocka_unit_test(digit_runs_are_one_step),
        cmocka_unit_test(words_across_blocks),
        cmocka_unit_test(spaces_in_patterns),
        cmocka_unit_test(first_four_characters_gate),
        cmocka_unit_test(the_gate_passes_over_no_place),
        cmocka_unit_test(stops_when_asked),
        cmocka_unit_test(an_optional_quote_before_the_first_word),
        cmocka_unit_test(counts_words_on_the_way),
        cmocka_unit_test(scans_in_pieces_as_in_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
