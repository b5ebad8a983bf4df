/* Unit tests for yaml.c: trees with positions, and refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

static hm_node *parse(hm_arena *a, hmmm_diags *d, const char *text)
{
    return hm_yaml_parse(a, "t.yaml", text, strlen(text), d);
}

static void mapping_with_positions(void **state)
{
    (void)state;
    hm_arena a = {0};
    hmmm_diags *d = hmmm_diags_new();
    hm_node *root = parse(&a, d, "pack: x\nrules:\n  - id: one\n    words: ['a b', \"c\"]\n");
    assert_non_null(root);
    assert_int_equal(root->kind, HM_MAP);
    hm_node *rules = hm_yaml_get(root, "rules");
    assert_non_null(rules);
    assert_int_equal(rules->kind, HM_SEQ);
    assert_int_equal(rules->n, 1);
    hm_node *rule = rules->items[0];
    hm_node *id = hm_yaml_get(rule, "id");
    assert_string_equal(id->str, "one");
    assert_int_equal(id->line, 3);
    assert_int_equal(id->column, 9);
    hm_node *words = hm_yaml_get(rule, "words");
    assert_int_equal(words->n, 2);
    assert_true(words->items[0]->quoted);
    assert_int_equal(words->items[1]->column, 20);
    assert_null(hm_yaml_get(root, "missing"));
    assert_int_equal(hmmm_diags_count(d), 0);
    hmmm_diags_free(d);
    hm_arena_free(&a);
}

static void nulls_and_empty_documents(void **state)
{
    (void)state;
    hm_arena a = {0};
    hmmm_diags *d = hmmm_diags_new();
    hm_node *root = parse(&a, d, "");
    assert_non_null(root);
    assert_int_equal(root->kind, HM_NULL);
    root = parse(&a, d, "a: ~\nb:\nc: null\nd: 'null'\n");
    assert_int_equal(hm_yaml_get(root, "a")->kind, HM_NULL);
    assert_int_equal(hm_yaml_get(root, "b")->kind, HM_NULL);
    assert_int_equal(hm_yaml_get(root, "c")->kind, HM_NULL);
    assert_int_equal(hm_yaml_get(root, "d")->kind, HM_SCALAR);
    hmmm_diags_free(d);
    hm_arena_free(&a);
}

static void syntax_error_has_position(void **state)
{
    (void)state;
    hm_arena a = {0};
    hmmm_diags *d = hmmm_diags_new();
    assert_null(parse(&a, d, "a: [1, 2\nb: 3\n"));
    assert_int_equal(hmmm_diags_count(d), 1);
    const hmmm_diag *g = hmmm_diags_get(d, 0);
    assert_string_equal(g->file, "t.yaml");
    assert_true(g->line >= 1);
    assert_true(g->column >= 1);
    hmmm_diags_free(d);
    hm_arena_free(&a);
}

static void aliases_are_refused(void **state)
{
    (void)state;
    hm_arena a = {0};
    hmmm_diags *d = hmmm_diags_new();
    assert_null(parse(&a, d, "a: &x [1, 2]\nb: [*x, *x]\n"));
    assert_int_equal(hmmm_diags_count(d), 1);
    const hmmm_diag *g = hmmm_diags_get(d, 0);
    assert_int_equal(g->line, 2);
    assert_int_equal(g->column, 5);
    assert_non_null(strstr(g->message, "alias"));
    hmmm_diags_free(d);
    hm_arena_free(&a);
}

static void deep_nesting_is_refused(void **state)
{
    (void)state;
    hm_buf b = {0};
    for (int i = 0; i < 200; i++)
        hm_buf_addc(&b, '[');
    for (int i = 0; i < 200; i++)
        hm_buf_addc(&b, ']');
    hm_arena a = {0};
    hmmm_diags *d = hmmm_diags_new();
    assert_null(hm_yaml_parse(&a, "t.yaml", b.data, b.len, d));
    assert_non_null(strstr(hmmm_diags_get(d, 0)->message, "nested"));
    hmmm_diags_free(d);
    hm_arena_free(&a);
    hm_buf_free(&b);
}

static void two_documents_are_refused(void **state)
{
    (void)state;
    hm_arena a = {0};
    hmmm_diags *d = hmmm_diags_new();
    assert_null(parse(&a, d, "a: 1\n---\nb: 2\n"));
    assert_int_equal(hmmm_diags_get(d, 0)->line, 2);
    hmmm_diags_free(d);
    hm_arena_free(&a);
}

/* A tree baked at build time comes back as the parser would have made it:
 * "pack: p\nrules: [a, b]" by hand, in the arrays hmmm_bake writes. */
static void baked_trees_come_back(void **state)
{
    (void)state;
    static const hm_baked_node nodes[] = {
        {HM_MAP, 0, 1, 1, UINT32_MAX, 0, 0, 4}, {HM_SCALAR, 0, 1, 1, 0, 4, 0, 0},
        {HM_SCALAR, 0, 1, 7, 5, 1, 0, 0},       {HM_SCALAR, 0, 2, 1, 7, 5, 0, 0},
        {HM_SEQ, 0, 2, 8, UINT32_MAX, 0, 4, 2}, {HM_SCALAR, 1, 2, 9, 13, 1, 0, 0},
        {HM_SCALAR, 0, 2, 12, 15, 1, 0, 0},
    };
    static const uint32_t items[] = {1, 2, 3, 4, 5, 6};
    static const char strings[] = "pack\0p\0rules\0a\0b";
    hm_baked_tree t = {nodes, 7, items, strings};
    hm_arena a = {0};
    hm_node *root = hm_yaml_unbake(&a, &t);
    assert_non_null(root);
    assert_int_equal(root->kind, HM_MAP);
    hm_node *pack = hm_yaml_get(root, "pack");
    assert_string_equal(pack->str, "p");
    assert_int_equal(pack->column, 7);
    hm_node *rules = hm_yaml_get(root, "rules");
    assert_int_equal(rules->kind, HM_SEQ);
    assert_int_equal(rules->n, 2);
    assert_string_equal(rules->items[1]->str, "b");
    assert_int_equal(rules->items[0]->quoted, 1);
    assert_int_equal(rules->items[1]->line, 2);
    assert_null(root->str);
    hm_arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mapping_with_positions),    cmocka_unit_test(nulls_and_empty_documents),
        cmocka_unit_test(syntax_error_has_position), cmocka_unit_test(aliases_are_refused),
        cmocka_unit_test(deep_nesting_is_refused),   cmocka_unit_test(two_documents_are_refused),
        cmocka_unit_test(baked_trees_come_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
