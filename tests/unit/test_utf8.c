/* Unit tests for utf8.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

static void decodes_valid_sequences(void **state)
{
    (void)state;
    uint32_t cp;
    assert_int_equal(hm_utf8_decode((const unsigned char *)"a", 1, &cp), 1);
    assert_int_equal(cp, 'a');
    assert_int_equal(hm_utf8_decode((const unsigned char *)"\xC3\xA9", 2, &cp), 2);
    assert_int_equal(cp, 0xE9);
    assert_int_equal(hm_utf8_decode((const unsigned char *)"\xE2\x80\x94", 3, &cp), 3);
    assert_int_equal(cp, 0x2014);
    assert_int_equal(hm_utf8_decode((const unsigned char *)"\xF0\x9F\x98\x80", 4, &cp), 4);
    assert_int_equal(cp, 0x1F600);
}

static void rejects_invalid_sequences(void **state)
{
    (void)state;
    uint32_t cp;
    assert_int_equal(hm_utf8_decode((const unsigned char *)"\x80", 1, &cp), 0);
    assert_int_equal(hm_utf8_decode((const unsigned char *)"\xC0\xAF", 2, &cp), 0); /* overlong */
    assert_int_equal(hm_utf8_decode((const unsigned char *)"\xED\xA0\x80", 3, &cp),
                     0);                                                            /* surrogate */
    assert_int_equal(hm_utf8_decode((const unsigned char *)"\xE2\x80", 2, &cp), 0); /* cut short */
    assert_int_equal(hm_utf8_decode((const unsigned char *)"\xF5\x80\x80\x80", 4, &cp), 0);
}

static void counts_characters_and_bad_bytes(void **state)
{
    (void)state;
    assert_int_equal(hm_utf8_count("caf\xC3\xA9", 5), 4);
    assert_int_equal(hm_utf8_count("a\xE2\x80\x94"
                                   "b",
                                   5),
                     3);
    assert_int_equal(hm_utf8_count("a\xFF\xFE"
                                   "b",
                                   4),
                     4); /* each bad byte is one */
    assert_int_equal(hm_utf8_count("", 0), 0);
}

static void encodes_code_points(void **state)
{
    (void)state;
    hm_buf b = {0};
    assert_int_equal(hm_buf_add_cp(&b, 'x'), 0);
    assert_int_equal(hm_buf_add_cp(&b, 0xE9), 0);
    assert_int_equal(hm_buf_add_cp(&b, 0x2019), 0);
    assert_int_equal(hm_buf_add_cp(&b, 0x1F600), 0);
    assert_string_equal(b.data, "x\xC3\xA9\xE2\x80\x99\xF0\x9F\x98\x80");
    hm_buf_free(&b);
}

static size_t prefix(const char *s)
{
    return hm_utf8_valid_prefix(s, strlen(s));
}

/* How much of a text is well-formed, with the fast path for ASCII on either
 * side of its 8-byte steps. */
static void valid_prefixes(void **state)
{
    (void)state;
    assert_int_equal(prefix(""), 0);
    assert_int_equal(prefix("plain ASCII text, longer than eight"), 35);
    assert_int_equal(prefix("caf\xC3\xA9 \xE2\x80\x94 ok"), 12);
    assert_int_equal(prefix("0123456789\xFF"
                            "abc"),
                     10);
    assert_int_equal(prefix("01234567\xE2\x80"), 8);     /* cut short */
    assert_int_equal(prefix("ab\xC0\xAF"), 2);           /* overlong */
    assert_int_equal(prefix("ab\xED\xA0\x80"), 2);       /* surrogate */
    assert_int_equal(prefix("ab\xF4\x90\x80\x80"), 2);   /* beyond U+10FFFF */
    assert_int_equal(prefix("\xF0\x9F\x98\x80\x80"), 4); /* a stray continuation */
}

/* Long runs of ASCII are passed over in blocks: what ends a run is found
 * wherever it is, in a block or after it. */
static void long_ascii_runs(void **state)
{
    (void)state;
    char text[200];
    for (size_t at = 0; at < 100; at++) {
        memset(text, 'a', sizeof text);
        memcpy(text + at, "\xC3\xA9", 2); /* e acute: valid */
        text[at + 40] = (char)0xFF;       /* never valid */
        assert_int_equal(hm_utf8_valid_prefix(text, sizeof text), at + 40);
        assert_int_equal(hm_utf8_valid_prefix(text, at + 1), at); /* cut inside the character */
        assert_int_equal(hm_utf8_count(text, sizeof text), sizeof text - 1);
        assert_int_equal(hm_utf8_count(text, at + 2), at + 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decodes_valid_sequences),
        cmocka_unit_test(rejects_invalid_sequences),
        cmocka_unit_test(counts_characters_and_bad_bytes),
        cmocka_unit_test(encodes_code_points),
        cmocka_unit_test(valid_prefixes),
        cmocka_unit_test(long_ascii_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
