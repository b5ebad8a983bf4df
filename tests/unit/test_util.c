/* Unit tests for util.c: buffers, arenas, vectors, diagnostics, files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"

static void buf_grows_and_stays_terminated(void **state)
{
    (void)state;
    hm_buf b = {0};
    for (int i = 0; i < 1000; i++)
        assert_int_equal(hm_buf_adds(&b, "ab"), 0);
    assert_int_equal(b.len, 2000);
    assert_int_equal(b.data[2000], '\0');
    assert_int_equal(hm_buf_printf(&b, "%d-%s", 42, "x"), 0);
    assert_string_equal(b.data + 2000, "42-x");
    char *s = hm_buf_take(&b);
    assert_null(b.data);
    assert_int_equal(strlen(s), 2004);
    hm_free(s);
    hm_buf_free(&b);
}

static void buf_take_of_empty_is_empty_string(void **state)
{
    (void)state;
    hm_buf b = {0};
    char *s = hm_buf_take(&b);
    assert_non_null(s);
    assert_string_equal(s, "");
    hm_free(s);
}

static void arena_strings_survive_many_blocks(void **state)
{
    (void)state;
    hm_arena a = {0};
    char *first = hm_arena_strdup(&a, "first");
    for (int i = 0; i < 5000; i++)
        assert_non_null(hm_arena_strdup(&a, "padding padding padding"));
    char *big = hm_arena_alloc(&a, 100000);
    assert_non_null(big);
    memset(big, 'x', 100000);
    assert_string_equal(first, "first");
    assert_int_equal((uintptr_t)big % 16, 0);
    hm_arena_free(&a);
    assert_null(a.head);
}

static void vec_pushes(void **state)
{
    (void)state;
    hm_vec v = {0};
    static int items[100];
    for (int i = 0; i < 100; i++)
        assert_int_equal(hm_vec_push(&v, &items[i]), 0);
    assert_int_equal(v.n, 100);
    assert_ptr_equal(v.items[57], &items[57]);
    hm_vec_free(&v);
}

static void diags_keep_file_line_column(void **state)
{
    (void)state;
    hmmm_diags *d = hmmm_diags_new();
    assert_int_equal(hm_diag(d, "a.yaml", 3, 7, "bad %s", "thing"), HMMM_EINVAL);
    assert_int_equal(hm_diag(d, "b.yaml", 0, 9, "whole file"), HMMM_EINVAL);
    assert_int_equal(hmmm_diags_count(d), 2);
    const hmmm_diag *g = hmmm_diags_get(d, 0);
    assert_string_equal(g->file, "a.yaml");
    assert_int_equal(g->line, 3);
    assert_int_equal(g->column, 7);
    assert_string_equal(g->message, "bad thing");
    assert_int_equal(hmmm_diags_get(d, 1)->column, 0); /* no line, no column */
    assert_null(hmmm_diags_get(d, 2));
    hmmm_diags_free(d);
}

static void failed_allocation_is_reported_not_fatal(void **state)
{
    (void)state;
    hm_buf b = {0};
    hm_alloc_fail_at(1);
    assert_int_equal(hm_buf_adds(&b, "x"), -1);
    assert_null(b.data);
    hm_alloc_fail_at(0);
    assert_int_equal(hm_buf_adds(&b, "x"), 0);
    hm_buf_free(&b);
}

static void a_message_lost_for_want_of_memory_is_counted(void **state)
{
    (void)state;
    hmmm_diags *d = hmmm_diags_new();
    assert_int_equal(hm_diag(d, "f.yaml", 1, 1, "kept"), HMMM_EINVAL);
    for (size_t n = 1; n <= 4; n++) {
        hm_alloc_fail_at(n);
        hmmm_status st = hm_diag(d, "f.yaml", 2, 1, "maybe kept");
        hm_alloc_fail_at(0);
        /* Either the message is there or it is counted as lost. */
        assert_true(st == HMMM_ENOMEM || st == HMMM_EINVAL);
    }
    assert_int_equal(hmmm_diags_count(d) + hmmm_diags_lost(d), 5);
    assert_true(hmmm_diags_lost(d) >= 1);
    assert_string_equal(hmmm_diags_get(d, 0)->message, "kept");
    hmmm_diags_free(d);
    assert_int_equal(hmmm_diags_lost(NULL), 0);
}

static void reads_files_of_any_size(void **state)
{
    (void)state;
    char path[] = "/tmp/hmmm-test-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t n = 300000;
    char *data = malloc(n);
    for (size_t i = 0; i < n; i++)
        data[i] = (char)('a' + i % 26);
    assert_int_equal(write(fd, data, n), (ssize_t)n);
    close(fd);
    char *got;
    size_t len;
    assert_int_equal(hm_read_file(path, &got, &len), 0);
    assert_int_equal(len, n);
    assert_memory_equal(got, data, n);
    assert_int_equal(got[n], '\0');
    hm_free(got);
    free(data);
    unlink(path);
    assert_int_not_equal(hm_read_file(path, &got, &len), 0);
    assert_int_not_equal(hm_read_file("/tmp", &got, &len), 0);
}

static void caseless_equality(void **state)
{
    (void)state;
    assert_true(hm_strcaseeq("Service-Users", "service-users"));
    assert_false(hm_strcaseeq("service", "services"));
}

/* A set of strings keeps each one once, however often it is added, and
 * tells apart strings of different lengths or bytes, across its growth. */
static void a_string_set_keeps_each_string_once(void **state)
{
    (void)state;
    hm_arena a = {0};
    hm_strset set = {0};
    const char *first[500];
    char key[32];
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 500; i++) {
            int n = snprintf(key, sizeof key, "words %d", i);
            const char *got = hm_strset_add(&set, &a, key, (size_t)n);
            assert_non_null(got);
            assert_string_equal(got, key);
            if (round == 0)
                first[i] = got;
            else
                assert_ptr_equal(got, first[i]); /* the same copy again */
        }
    assert_int_equal(set.n, 500);
    /* A prefix, and bytes after a NUL, make other strings. */
    const char *w = hm_strset_add(&set, &a, "words 1", 5);
    assert_string_equal(w, "words");
    assert_ptr_not_equal(w, first[1]);
    const char *x = hm_strset_add(&set, &a, "ab\0c", 4), *y = hm_strset_add(&set, &a, "ab\0d", 4);
    assert_ptr_not_equal(x, y);
    assert_int_equal(set.n, 503);
    /* Out of memory (a string bigger than an arena's block needs a block of
     * its own): NULL, and the set still works. */
    static char big[20000];
    memset(big, 'x', sizeof big);
    hm_alloc_fail_at(1);
    const char *none = hm_strset_add(&set, &a, big, sizeof big);
    hm_alloc_fail_at(0);
    assert_null(none);
    assert_int_equal(set.n, 503);
    assert_ptr_equal(hm_strset_add(&set, &a, "words 7", 7), first[7]);
    hm_strset_free(&set);
    hm_arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(buf_grows_and_stays_terminated),
        cmocka_unit_test(buf_take_of_empty_is_empty_string),
        cmocka_unit_test(arena_strings_survive_many_blocks),
        cmocka_unit_test(vec_pushes),
        cmocka_unit_test(diags_keep_file_line_column),
        cmocka_unit_test(failed_allocation_is_reported_not_fatal),
        cmocka_unit_test(a_message_lost_for_want_of_memory_is_counted),
        cmocka_unit_test(reads_files_of_any_size),
        cmocka_unit_test(caseless_equality),
        cmocka_unit_test(a_string_set_keeps_each_string_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
