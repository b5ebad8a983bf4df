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
}

static void metacharacters_are_literal(void **state)
{
    (void)state;
    assert_string_equal(match("you said, we did", "You said, we did.", 0), "0:16");
    assert_string_equal(match("a.b", "axb", 0), "none");
    assert_string_equal(match("(care)", "(care)", 0), "0:6");
    assert_string_equal(match("c++", "c++", 0), "0:3");
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
