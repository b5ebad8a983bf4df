/* Unit tests for source.c: lines, columns and word counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

static void position(const char *doc, size_t off, unsigned line, unsigned col)
{
    hm_lines t;
    hm_lines_init(&t, doc, strlen(doc));
    unsigned l, c;
    hm_lines_position(&t, off, &l, &c);
    assert_int_equal(l, line);
    assert_int_equal(c, col);
}

static void lf_lines(void **state)
{
    (void)state;
    position("ab\ncd\n", 0, 1, 1);
    position("ab\ncd\n", 4, 2, 2);
    position("ab\ncd\n", 6, 3, 1);
}

static void crlf_and_cr_lines(void **state)
{
    (void)state;
    position("ab\r\ncd", 4, 2, 1);
    position("ab\rcd", 3, 2, 1);
    position("a\r\n\r\nb\rc\nd", 5, 3, 1); /* two CRLF, then b */
    position("a\r\n\r\nb\rc\nd", 7, 4, 1); /* c, after a lone CR */
    position("a\r\n\r\nb\rc\nd", 9, 5, 1); /* d, after LF */
}

static void columns_count_characters(void **state)
{
    (void)state;
    /* "Café — service": 's' is the 8th character but the 11th byte. */
    const char *doc = "Caf\xC3\xA9 \xE2\x80\x94 service";
    position(doc, 10, 1, 8);
}

static void bom_is_not_a_column(void **state)
{
    (void)state;
    position("\xEF\xBB\xBFservice", 3, 1, 1);
    position("\xEF\xBB\xBFservice", 5, 1, 3);
}

/* Long enough for the 16-byte blocks and their 255-block sums: every
 * offset asked for in order, then one behind the cursor. */
static void many_lines(void **state)
{
    (void)state;
    hm_buf b = {0};
    for (int i = 0; i < 10000; i++)
        hm_buf_adds(&b, i % 3 ? "line\n" : "a longer line of text\n");
    hm_lines t;
    hm_lines_init(&t, b.data, b.len);
    size_t off = 0;
    unsigned l, c;
    for (unsigned i = 0; i < 10000; i++) {
        hm_lines_position(&t, off + 2, &l, &c);
        assert_int_equal(l, i + 1);
        assert_int_equal(c, 3);
        off += i % 3 ? 5 : 22;
    }
    hm_lines_position(&t, b.len, &l, &c);
    assert_int_equal(l, 10001);
    assert_int_equal(c, 1);
    hm_lines_position(&t, 24, &l, &c); /* behind: counted again from the top */
    assert_int_equal(l, 2);
    assert_int_equal(c, 3);
    hm_lines_init(&t, b.data, b.len);
    hm_lines_position(&t, 22 * 3334 + 5 * 6666 - 1, &l, &c); /* in one go */
    assert_int_equal(l, 10000);
    hm_buf_free(&b);
}

/* On one long line, columns asked for in order are counted on from the last
 * one (each character once), and come out as if counted from the start. */
static void columns_along_one_long_line(void **state)
{
    (void)state;
    hm_buf b = {0};
    for (int i = 0; i < 5000; i++)
        hm_buf_adds(&b, "caf\xC3\xA9 "); /* 5 characters, 6 bytes */
    hm_lines t;
    hm_lines_init(&t, b.data, b.len);
    unsigned l, c;
    for (size_t i = 0; i < 5000; i += 7) {
        hm_lines_position(&t, i * 6, &l, &c);
        assert_int_equal(l, 1);
        assert_int_equal(c, i * 5 + 1);
        hm_lines at_end = t; /* a finding's end, from a copy */
        hm_lines_position(&at_end, i * 6 + 5, &l, &c);
        assert_int_equal(c, i * 5 + 5);
    }
    hm_buf_free(&b);
}

static size_t words(const char *s)
{
    return hm_count_words(s, strlen(s));
}

/* Words are runs of letters, digits, apostrophes and characters beyond
 * ASCII, counted the same on either side of a 16-byte block's edge. */
/* Line breaks made of CR, LF and CR LF in any mix, asked for at random
 * offsets in order (and sometimes going back): the cursor agrees with
 * counting every byte from the top. */
static void mixed_breaks_against_a_plain_count(void **state)
{
    (void)state;
    static const char pieces[] = "ab\r\n\xC3\xA9";
    unsigned seed = 12345;
    char doc[600];
    for (int round = 0; round < 200; round++) {
        size_t len = 0;
        while (len < sizeof doc - 2) {
            seed = seed * 1103515245u + 12345u;
            unsigned k = (seed >> 16) % 5;
            if (k == 4) { /* é, two bytes */
                doc[len++] = pieces[4];
                doc[len++] = pieces[5];
            } else {
                doc[len++] = pieces[k];
            }
        }
        hm_lines t;
        hm_lines_init(&t, doc, len);
        size_t off = 0;
        for (int ask = 0; ask < 40; ask++) {
            seed = seed * 1103515245u + 12345u;
            off = (seed >> 16) % 7 == 0 ? (seed >> 8) % len : off + (seed >> 16) % 40;
            if (off > len)
                off = len;
            while (off < len && ((unsigned char)doc[off] & 0xC0) == 0x80)
                off++;
            unsigned line = 1, col = 1;
            for (size_t i = 0; i < off; i++) {
                unsigned char c = (unsigned char)doc[i];
                if (c == '\n' || (c == '\r' && (i + 1 >= len || doc[i + 1] != '\n'))) {
                    line++;
                    col = 1;
                } else if ((c & 0xC0) != 0x80) {
                    col++;
                }
            }
            unsigned got_line, got_col;
            hm_lines_position(&t, off, &got_line, &got_col);
            assert_int_equal(got_line, line);
            assert_int_equal(got_col, col);
        }
    }
}

static void word_counts(void **state)
{
    (void)state;
    assert_int_equal(words(""), 0);
    assert_int_equal(words("   "), 0);
    assert_int_equal(words("people's own words"), 3);
    assert_int_equal(words("co-production, 24/7"), 4);
    assert_int_equal(words("caf\xC3\xA9 \xE2\x80\x94 na\xC3\xAFve"), 3); /* the dash is a word */
    char text[80];
    for (size_t at = 0; at + 12 < sizeof text; at++) {
        memset(text, ' ', sizeof text);
        memcpy(text + at, "a bc defg", 9);
        assert_int_equal(hm_count_words(text, sizeof text), 3);
        assert_int_equal(hm_count_words(text, at + 5), 2); /* "a bc" and part of "defg" */
    }
    memset(text, 'x', sizeof text);
    assert_int_equal(hm_count_words(text, sizeof text), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lf_lines),
        cmocka_unit_test(crlf_and_cr_lines),
        cmocka_unit_test(columns_count_characters),
        cmocka_unit_test(bom_is_not_a_column),
        cmocka_unit_test(many_lines),
        cmocka_unit_test(word_counts),
        cmocka_unit_test(mixed_breaks_against_a_plain_count),
        cmocka_unit_test(columns_along_one_long_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
