/* Unit tests for phrase.c: what a "words" phrase matches. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

/* The span PHRASE matches in TEXT as "start:end", or "none". */
static const char *match(const char *phrase, const char *text, int case_sensitive)
{
    static char out[32];
    hm_buf pat = {0};
    assert_int_equal(hm_phrase_regex(&pat, phrase), 0);
    int ec;
    size_t eo;
    pcre2_code *re = hm_compile(pat.data, pat.len, case_sensitive, 0, 1, &ec, &eo);
    assert_non_null(re);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    int rc = pcre2_match(re, (PCRE2_SPTR)text, strlen(text), 0, 0, md, NULL);
    if (rc < 0) {
        strcpy(out, "none");
    } else {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        snprintf(out, sizeof out, "%zu:%zu", (size_t)ov[0], (size_t)ov[1]);
    }
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    hm_buf_free(&pat);
    return out;
}

static void whole_words_only(void **state)
{
    (void)state;
    assert_string_equal(match("service users", "the service users.", 0), "4:17");
    assert_string_equal(match("service users", "superservice users", 0), "none");
    assert_string_equal(match("service users", "service usersx", 0), "none");
    assert_string_equal(match("engage", "re-engage", 0), "3:9");
}

static void case_rules(void **state)
{
    (void)state;
    assert_string_equal(match("service users", "Service Users", 0), "0:13");
    assert_string_equal(match("service users", "Service Users", 1), "none");
    assert_string_equal(match("KPI", "KPI", 1), "0:3");
}

static void white_space_between_words(void **state)
{
    (void)state;
    assert_string_equal(match("service users", "service\n   users", 0), "0:16");
    assert_string_equal(match("service users", "service\r\nusers", 0), "0:14");
    assert_string_equal(match("service users", "service \t users", 0), "0:15");
    /* A blank line ends the paragraph: no match across it. */
    assert_string_equal(match("service users", "service\n\nusers", 0), "none");
    assert_string_equal(match("service users", "service\r\n\r\nusers", 0), "none");
}

static void hyphens(void **state)
{
    (void)state;
    assert_string_equal(match("hard to reach", "hard-to-reach", 0), "0:13");
    assert_string_equal(match("co-production", "coproduction", 0), "0:12");
    assert_string_equal(match("co-production", "co production", 0), "0:13");
    assert_string_equal(match("co-production", "co-production", 0), "0:13");
    assert_string_equal(match("co-production", "co\xE2\x80\x90production", 0), "0:15");
}

static void apostrophes(void **state)
{
    (void)state;
    assert_string_equal(match("people's voice", "people\xE2\x80\x99s voice", 0), "0:16");
    assert_string_equal(match("people\xE2\x80\x99s voice", "people's voice", 0), "0:14");
}

static void star_continues_a_word(void **state)
{
    (void)state;
    assert_string_equal(match("empower*", "empowerment", 0), "0:11");
    assert_string_equal(match("empower*", "empowers", 0), "0:8");
    assert_string_equal(match("empower*", "disempower", 0), "none");
    assert_string_equal(match("service user*", "service users", 0), "0:13");
    /* Inside a phrase, the rest of the word and then the gap. */
    assert_string_equal(match("engag* people", "engaging people", 0), "0:15");
    assert_string_equal(match("engag* people", "engage\npeople", 0), "0:13");
    assert_string_equal(match("engag* people", "engaged-people", 0), "0:14");
    assert_string_equal(match("engag* people", "engagingpeople", 0), "none");
    assert_string_equal(match("engag* people", "engag\xC3\xA9s people", 0), "0:15");
}

static void metacharacters_are_literal(void **state)
{
    (void)state;
    assert_string_equal(match("you said, we did", "You said, we did.", 0), "0:16");
    assert_string_equal(match("a.b", "axb", 0), "none");
    assert_string_equal(match("(care)", "(care)", 0), "0:6");
    assert_string_equal(match("c++", "c++", 0), "0:3");
}

/* The span PATTERN matches in TEXT from START on, as "start:end", or "none". */
static void span_of(const hm_buf *pat, int case_sensitive, const char *text, size_t start,
                    char *out, size_t size)
{
    int ec;
    size_t eo;
    pcre2_code *re = hm_compile(pat->data, pat->len, case_sensitive, 0, 1, &ec, &eo);
    assert_non_null(re);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    int rc = pcre2_match(re, (PCRE2_SPTR)text, strlen(text), start, 0, md, NULL);
    if (rc < 0) {
        snprintf(out, size, "none");
    } else {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        snprintf(out, size, "%zu:%zu", (size_t)ov[0], (size_t)ov[1]);
    }
    pcre2_match_data_free(md);
    pcre2_code_free(re);
}

/* A list of phrases, grouped by first letter, finds at every place what
 * the phrases' patterns one after another find: the same phrase wins. */
static void a_list_matches_as_its_phrases_in_order(void **state)
{
    (void)state;
    static char *const lists[][6] = {
        {"service user", "service users", "users of services", "Service", "care user*", NULL},
        {"KPI", "kpis", "key performance", "Kpi dashboard", "2gether", NULL},
        {"a service users", "service user research", "user*", "a", NULL, NULL},
        {"'I' statements", "I statements", "we", NULL, NULL, NULL}, /* not grouped */
    };
    static const char *const texts[] = {
        "The service users and Service Users of services met care users and KPIs.",
        "Our KPI dashboard, kpis and the Kpi dashboard; 2gether users of services.",
        "a service users like; service user research; a user; users",
        "Each 'I' statements page and I statements we wrote",
    };
    for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++) {
        size_t n = 0;
        while (n < 6 && lists[l][n])
            n++;
        hm_buf grouped = {0}, plain = {0};
        assert_int_equal(hm_phrases_regex(&grouped, lists[l], n), 0);
        for (size_t i = 0; i < n; i++) {
            if (i)
                hm_buf_addc(&plain, '|');
            hm_buf_adds(&plain, "(?:");
            assert_int_equal(hm_phrase_regex(&plain, lists[l][i]), 0);
            hm_buf_addc(&plain, ')');
        }
        assert_int_equal(strncmp(grouped.data, "(?<!\\w)", 7) == 0, l < 3);
        for (int cs = 0; cs < 2; cs++)
            for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++)
                for (size_t at = 0; at < strlen(texts[t]); at++) {
                    char a[32], b[32];
                    span_of(&grouped, cs, texts[t], at, a, sizeof a);
                    span_of(&plain, cs, texts[t], at, b, sizeof b);
                    assert_string_equal(a, b);
                }
        hm_buf_free(&grouped);
        hm_buf_free(&plain);
    }
}

/* Random lists of phrases that share their first words, letters, gaps,
 * hyphens, stars and apostrophes, in both cases: at every place of random
 * text, the list's pattern finds what its phrases' patterns, one after
 * another, find. */
static void shared_beginnings_change_no_match(void **state)
{
    (void)state;
    static const char *const words[] = {
        "service",       "services",    "serv*",    "user",
        "users",         "use*",        "Service",  "USER",
        "co-production", "co-produc*",  "people's", "people\xE2\x80\x99s",
        "people",        "a",           "A",        "x2",
        "2gether",       "caf\xC3\xA9", "care",     "carer*",
        "e.g.",          "well-being",  "_id",      "'n'",
        "-led",          "co- op",      "(a)",      "- a"};
    static const char *const seps[] = {" ", "  ",           "\n",  "-", " - ", ", ", "\xE2\x80\x94",
                                       "'", "\xE2\x80\x90", " \n "};
    static const char *const extra[] = {"servicer",  "users'",     "Serv",
                                        "wellbeing", "well being", "coproduction",
                                        "cafe",      "peoples",    "2gethers"};
    unsigned seed = 12345;
    int shorter = 0;
#define NEXT(n) ((seed = seed * 1103515245u + 12345u) >> 16) % (n)
    for (int round = 0; round < 400; round++) {
        char store[8][64];
        char *list[8];
        size_t n = 2 + NEXT(6);
        for (size_t i = 0; i < n; i++) {
            size_t k = 1 + NEXT(3), len = 0;
            store[i][0] = '\0';
            for (size_t w = 0; w < k; w++) {
                const char *word = words[NEXT(sizeof words / sizeof words[0])];
                len += (size_t)snprintf(store[i] + len, sizeof store[i] - len, "%s%s", w ? " " : "",
                                        word);
            }
            list[i] = store[i];
        }
        char text[400] = {0}; /* PCRE2 may look a little past the end */
        size_t len = 0;
        while (len < 300) {
            const char *w = NEXT(4) ? words[NEXT(sizeof words / sizeof words[0])]
                                    : extra[NEXT(sizeof extra / sizeof extra[0])];
            len += (size_t)snprintf(text + len, sizeof text - len, "%.*s%s", (int)strcspn(w, "*"),
                                    w, seps[NEXT(sizeof seps / sizeof seps[0])]);
        }
        hm_buf grouped = {0}, plain = {0};
        assert_int_equal(hm_phrases_regex(&grouped, list, n), 0);
        for (size_t i = 0; i < n; i++) {
            if (i)
                hm_buf_addc(&plain, '|');
            hm_buf_adds(&plain, "(?:");
            assert_int_equal(hm_phrase_regex(&plain, list[i]), 0);
            hm_buf_addc(&plain, ')');
        }
        shorter += grouped.len < plain.len;
        for (int cs = 0; cs < 2; cs++) {
            int ec;
            size_t eo;
            pcre2_code *g = hm_compile(grouped.data, grouped.len, cs, 0, 1, &ec, &eo);
            pcre2_code *p = hm_compile(plain.data, plain.len, cs, 0, 1, &ec, &eo);
            assert_non_null(g);
            assert_non_null(p);
            pcre2_match_data *md = pcre2_match_data_create(1, NULL);
            for (size_t at = 0; at < len; at++) {
                int rg = pcre2_match(g, (PCRE2_SPTR)text, len, at, 0, md, NULL);
                size_t gs = rg >= 0 ? pcre2_get_ovector_pointer(md)[0] : SIZE_MAX;
                size_t ge = rg >= 0 ? pcre2_get_ovector_pointer(md)[1] : SIZE_MAX;
                int rp = pcre2_match(p, (PCRE2_SPTR)text, len, at, 0, md, NULL);
                size_t ps = rp >= 0 ? pcre2_get_ovector_pointer(md)[0] : SIZE_MAX;
                size_t pe = rp >= 0 ? pcre2_get_ovector_pointer(md)[1] : SIZE_MAX;
                if (gs != ps || ge != pe)
                    print_error("list %d from %zu: %zu:%zu, not %zu:%zu\n%s\n", round, at, gs, ge,
                                ps, pe, grouped.data);
                assert_int_equal(gs, ps);
                assert_int_equal(ge, pe);
            }
            pcre2_match_data_free(md);
            pcre2_code_free(g);
            pcre2_code_free(p);
        }
        hm_buf_free(&grouped);
        hm_buf_free(&plain);
    }
    assert_true(shorter > 60); /* most lists did share something */
#undef NEXT
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(whole_words_only),
        cmocka_unit_test(case_rules),
        cmocka_unit_test(white_space_between_words),
        cmocka_unit_test(hyphens),
        cmocka_unit_test(apostrophes),
        cmocka_unit_test(star_continues_a_word),
        cmocka_unit_test(metacharacters_are_literal),
        cmocka_unit_test(a_list_matches_as_its_phrases_in_order),
        cmocka_unit_test(shared_beginnings_change_no_match),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
