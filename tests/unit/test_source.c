/* Unit tests for source.c: line tables and positions. */
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
    assert_int_equal(hm_lines_build(&t, doc, strlen(doc)), 0);
    unsigned l, c;
    hm_lines_position(&t, doc, off, &l, &c);
    assert_int_equal(l, line);
    assert_int_equal(c, col);
    hm_lines_free(&t);
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

static void many_lines(void **state)
{
    (void)state;
    hm_buf b = {0};
    for (int i = 0; i < 10000; i++)
        hm_buf_adds(&b, "line\n");
    hm_lines t;
    assert_int_equal(hm_lines_build(&t, b.data, b.len), 0);
    assert_int_equal(t.n, 10001);
    assert_int_equal(hm_lines_find(&t, 5 * 7777 + 2), 7777);
    hm_lines_free(&t);
    hm_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lf_lines),
        cmocka_unit_test(crlf_and_cr_lines),
        cmocka_unit_test(columns_count_characters),
        cmocka_unit_test(bom_is_not_a_column),
        cmocka_unit_test(many_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
