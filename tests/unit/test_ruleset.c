/* Unit tests for ruleset.c: loading, validating and compiling rule files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

static const char good[] = "pack: demo\n"
                           "title: Demo\n"
                           "rules:\n"
                           "  - id: service-users\n"
                           "    level: error\n"
                           "    words: [\"service user*\"]\n"
                           "    message: '\"{match}\" jars'\n"
                           "    suggest: [people]\n"
                           "    glossary: [people]\n"
                           "    examples: {flag: [a service user], pass: [people]}\n"
                           "glossary:\n"
                           "  - key: people\n"
                           "    term: People\n"
                           "    aliases: [folk]\n"
                           "    definition: Everyone.\n";

static void loads_a_good_file(void **state)
{
    (void)state;
    hmmm_ruleset *rs = hmmm_ruleset_new();
    hmmm_diags *d = hmmm_diags_new();
    assert_int_equal(hmmm_ruleset_load_buffer(rs, "good.yaml", good, strlen(good), d), HMMM_OK);
    assert_int_equal(hmmm_ruleset_compile(rs, d), HMMM_OK);
    assert_int_equal(hmmm_diags_count(d), 0);
    assert_int_equal(hmmm_ruleset_rule_count(rs), 1);
    const hmmm_rule *r = hmmm_ruleset_rule(rs, 0);
    assert_string_equal(r->id, "demo.service-users");
    assert_string_equal(r->pack, "demo");
    assert_int_equal(r->level, HMMM_ERROR);
    assert_int_equal(r->n_flag, 1);
    assert_int_equal(r->line, 4);
    assert_int_equal(r->column, 5);
    assert_non_null(r->glossary[0]);
    assert_string_equal(r->glossary[0]->term, "People");
    assert_ptr_equal(hmmm_ruleset_find_rule(rs, "service-users"), r);
    assert_ptr_equal(hmmm_ruleset_find_rule(rs, "demo.service-users"), r);
    assert_ptr_equal(hmmm_ruleset_find_gloss(rs, "FOLK"), r->glossary[0]);
    assert_int_equal(hmmm_ruleset_pack_count(rs), 1);
    assert_string_equal(hmmm_ruleset_pack(rs, 0)->title, "Demo");
    hmmm_diags_free(d);
    hmmm_ruleset_free(rs);
}

/* Loads TEXT and expects exactly one error at LINE:COLUMN containing WHAT. */
static void expect_error(const char *text, unsigned line, unsigned column, const char *what)
{
    hmmm_ruleset *rs = hmmm_ruleset_new();
    hmmm_diags *d = hmmm_diags_new();
    hmmm_status st = hmmm_ruleset_load_buffer(rs, "bad.yaml", text, strlen(text), d);
    if (st == HMMM_OK)
        st = hmmm_ruleset_compile(rs, d);
    assert_int_equal(st, HMMM_EINVAL);
    if (hmmm_diags_count(d) != 1)
        for (size_t i = 0; i < hmmm_diags_count(d); i++)
            print_error("diag: %s\n", hmmm_diags_get(d, i)->message);
    assert_int_equal(hmmm_diags_count(d), 1);
    const hmmm_diag *g = hmmm_diags_get(d, 0);
    assert_string_equal(g->file, "bad.yaml");
    if (!strstr(g->message, what))
        print_error("message: %s\n", g->message);
    assert_non_null(strstr(g->message, what));
    assert_int_equal(g->line, line);
    assert_int_equal(g->column, column);
    hmmm_diags_free(d);
    hmmm_ruleset_free(rs);
}

static void reports_bad_files_with_positions(void **state)
{
    (void)state;
    expect_error("pack: p\nrules:\n  - id: a\n    words: [x]\n", 3, 5, "no 'message'");
    expect_error("pack: p\nrules:\n  - id: a\n    words: [x]\n    message: m\n    colour: red\n", 6,
                 5, "unknown key 'colour'");
    expect_error("pack: p\nrules:\n  - id: A_b\n    words: [x]\n    message: m\n", 3, 9,
                 "may use only");
    expect_error("pack: p\nrules:\n  - id: a\n    message: m\n", 3, 5, "neither");
    expect_error("pack: p\nrules:\n  - id: a\n    pattern: 'a(b'\n    message: m\n", 4, 18,
                 "bad pattern");
    expect_error("pack: p\nrules:\n  - id: a\n    words: [x]\n    message: m\n    level: loud\n", 6,
                 12, "level must be");
    expect_error("pack: p\nrules:\n  - id: a\n    words: {x: 1}\n    message: m\n", 4, 12,
                 "must be a list");
    expect_error("pack: p\nrules:\n  - id: a\n    words: [x]\n    message: m\n"
                 "  - id: a\n    words: [y]\n    message: m\n",
                 6, 9, "duplicate rule id");
    expect_error("pack: p\nrules:\n  - id: a\n    words: [x]\n    message: m\n"
                 "    glossary: [nope]\n",
                 6, 16, "glossary key 'nope'");
    expect_error("rules: []\n", 1, 1, "needs a 'pack'");
    expect_error("- just\n- a list\n", 1, 1, "must be a mapping");
    expect_error("", 0, 0, "empty");
    expect_error("glossary:\n  - key: k\n    term: T\n", 2, 5, "no 'definition'");
    expect_error("glossary:\n  - key: k\n    term: T\n    definition: D\n    see-also: [z]\n", 5,
                 16, "sees also 'z'");
    expect_error("pack: p\nrules:\n  - id: a\n    id: b\n    words: [x]\n    message: m\n", 4, 5,
                 "duplicate key 'id'");
}

static void many_errors_are_all_reported(void **state)
{
    (void)state;
    const char *text = "pack: p\nrules:\n  - id: a\n  - id: b\n    words: [x]\n";
    hmmm_ruleset *rs = hmmm_ruleset_new();
    hmmm_diags *d = hmmm_diags_new();
    assert_int_equal(hmmm_ruleset_load_buffer(rs, "m.yaml", text, strlen(text), d), HMMM_EINVAL);
    assert_int_equal(hmmm_diags_count(d), 3); /* a: no words, no message; b: no message */
    hmmm_diags_free(d);
    hmmm_ruleset_free(rs);
}

static void builtin_packs_load_and_compile(void **state)
{
    (void)state;
    hmmm_ruleset *rs = hmmm_ruleset_new();
    hmmm_diags *d = hmmm_diags_new();
    assert_int_equal(hmmm_ruleset_load_builtin(rs, NULL, 0, d), HMMM_OK);
    assert_int_equal(hmmm_ruleset_compile(rs, d), HMMM_OK);
    assert_true(hmmm_ruleset_rule_count(rs) > 20);
    assert_non_null(hmmm_ruleset_find_gloss(rs, "co-production"));
    /* Each built-in file is named after its pack. */
    for (size_t i = 0; i < hmmm_ruleset_pack_count(rs); i++) {
        const hmmm_pack *p = hmmm_ruleset_pack(rs, i);
        char want[128];
        snprintf(want, sizeof want, "rules/%s.yaml", p->name);
        assert_string_equal(p->file, want);
    }
    /* Built-in rules are compiled when a document first needs them, so
     * here every one of their patterns is made to compile. */
    for (size_t i = 0; i < rs->active.n; i++) {
        hm_rule *r = rs->active.items[i];
        assert_true(r->trusted);
        assert_null(r->re);
        int ec = hm_rule_ready(rs, r);
        if (ec) {
            print_error("%s: its pattern does not compile (PCRE2 error %d)\n", r->pub.id, ec);
            fail();
        }
        assert_non_null(r->re);
        assert_true(!r->n_exceptions == !r->exc_re);
        assert_int_equal(hm_rule_ready(rs, r), 0); /* once only */
    }
    /* Every rule has the fields the product promises. */
    for (size_t i = 0; i < hmmm_ruleset_rule_count(rs); i++) {
        const hmmm_rule *r = hmmm_ruleset_rule(rs, i);
        assert_non_null(r->why);
        assert_non_null(r->source);
        assert_true(r->n_suggest >= 1 && r->n_suggest <= 3);
        assert_true(r->n_glossary >= 1);
        assert_true(r->n_flag >= 3 && r->n_pass >= 3);
        for (size_t k = 0; k < r->n_flag; k++)
            if (!strstr(r->flag[k], "[[") || !strstr(r->flag[k], "]]")) {
                print_error("%s: flag example without [[marks]]: %s\n", r->id, r->flag[k]);
                fail();
            }
    }
    hmmm_diags_free(d);
    hmmm_ruleset_free(rs);
}

/* What hmmm_bake worked out for each built-in rule when hmmm was built is
 * what the library would work out now: the same prefilter keys, and
 * patterns that PCRE2 reads back as the same compiled code. */
static void baked_keys_and_patterns_match_the_rules(void **state)
{
    (void)state;
    hmmm_ruleset *rs = hmmm_ruleset_new();
    hmmm_diags *d = hmmm_diags_new();
    assert_int_equal(hmmm_ruleset_load_builtin(rs, NULL, 0, d), HMMM_OK);
    size_t indexed = 0, patterns = 0;
    for (size_t i = 0; i < rs->rules.n; i++) {
        const hm_rule *r = rs->rules.items[i];
        hm_buf keys = {0};
        size_t n = 0;
        int got = hm_prefilter_keys(r, &keys, &n);
        assert_int_equal(r->baked, got >= 1 ? HM_KEYS_INDEXED : HM_KEYS_SCANNED);
        assert_int_equal(r->lead, got == 2);
        assert_int_equal(r->n_keys, n);
        if (n)
            assert_memory_equal(r->keys, keys.data, keys.len);
        indexed += got >= 1;
        hm_buf_free(&keys);
        for (int which = HM_PAT_MAIN; which <= HM_PAT_EXCEPTIONS; which++) {
            const unsigned char *bytes = r->code[HM_PAT_SLOT(which)];
            int used = which == HM_PAT_MAIN || (which == HM_PAT_EXCEPTIONS && r->n_exceptions) ||
                       (which >= 0 && which < HM_N_CTX && r->n_ctx[which]);
            assert_true(!bytes == !used);
            if (!bytes)
                continue;
            pcre2_code *baked = NULL;
            assert_int_equal(pcre2_serialize_decode(&baked, 1, bytes, NULL), 1);
            hm_buf src = {0};
            assert_int_equal(hm_rule_source(r, which, &src), 0);
            int ec;
            size_t eo, a, b;
            pcre2_code *now =
                hm_compile(src.data, src.len, r->case_sensitive,
                           hm_rule_options(r, which, r->baked == HM_KEYS_INDEXED), 0, &ec, &eo);
            assert_non_null(now);
            pcre2_pattern_info(baked, PCRE2_INFO_SIZE, &a);
            pcre2_pattern_info(now, PCRE2_INFO_SIZE, &b);
            assert_int_equal(a, b);
            uint32_t oa, ob;
            pcre2_pattern_info(baked, PCRE2_INFO_ARGOPTIONS, &oa);
            pcre2_pattern_info(now, PCRE2_INFO_ARGOPTIONS, &ob);
            assert_int_equal(oa, ob);
            pcre2_code_free(baked);
            pcre2_code_free(now);
            hm_buf_free(&src);
            patterns++;
        }
    }
    assert_true(indexed > rs->rules.n / 2);
    assert_true(patterns >= rs->rules.n);
    hmmm_diags_free(d);
    hmmm_ruleset_free(rs);
}

/* A baked pattern this PCRE2 cannot read (another version's) is compiled
 * from the rule instead, and finds the same. */
static void unreadable_baked_pattern_is_compiled_instead(void **state)
{
    (void)state;
    static _Alignas(8) const unsigned char junk[64] = {'n', 'o', 't', ' ', 'P', 'C', 'R', 'E'};
    hmmm_ruleset *rs = hmmm_ruleset_new();
    hmmm_diags *d = hmmm_diags_new();
    assert_int_equal(hmmm_ruleset_load_builtin(rs, NULL, 0, d), HMMM_OK);
    hm_rule *r = NULL;
    for (size_t i = 0; i < rs->rules.n && !r; i++)
        if (!strcmp(((hm_rule *)rs->rules.items[i])->pub.id, "coproduction.service-users"))
            r = rs->rules.items[i];
    assert_non_null(r);
    assert_non_null(r->code[HM_PAT_SLOT(HM_PAT_MAIN)]);
    r->code[HM_PAT_SLOT(HM_PAT_MAIN)] = junk;
    assert_int_equal(hmmm_ruleset_compile(rs, d), HMMM_OK);
    const char *text = "We asked service users what they thought.";
    hmmm_result *res = NULL;
    assert_int_equal(hmmm_check(rs, text, strlen(text), HMMM_TEXT, &res), HMMM_OK);
    assert_int_equal(hmmm_result_count(res), 1);
    assert_string_equal(hmmm_result_get(res, 0)->rule->id, "coproduction.service-users");
    assert_non_null(r->re);
    hmmm_result_free(res);
    hmmm_diags_free(d);
    hmmm_ruleset_free(rs);
}

/* A rule from a file is compiled when loaded, so that its mistakes are
 * reported with it; one whose pattern PCRE2 cannot take is reported then. */
static void rules_from_files_compile_at_once(void **state)
{
    (void)state;
    const char *y = "pack: p\nrules:\n  - id: r\n    words: [service user]\n"
                    "    exceptions: [service user research]\n    message: m\n";
    hmmm_ruleset *rs = hmmm_ruleset_new();
    hmmm_diags *d = hmmm_diags_new();
    assert_int_equal(hmmm_ruleset_load_buffer(rs, "p.yaml", y, strlen(y), d), HMMM_OK);
    assert_int_equal(hmmm_ruleset_compile(rs, d), HMMM_OK);
    hm_rule *r = rs->active.items[0];
    assert_false(r->trusted);
    assert_non_null(r->re);
    assert_non_null(r->exc_re);
    hmmm_diags_free(d);
    hmmm_ruleset_free(rs);
}

static void unknown_builtin_pack(void **state)
{
    (void)state;
    hmmm_ruleset *rs = hmmm_ruleset_new();
    hmmm_diags *d = hmmm_diags_new();
    const char *packs[] = {"nonesuch"};
    assert_int_equal(hmmm_ruleset_load_builtin(rs, packs, 1, d), HMMM_EINVAL);
    assert_non_null(strstr(hmmm_diags_get(d, 0)->message, "nonesuch"));
    hmmm_diags_free(d);
    hmmm_ruleset_free(rs);
}

static void survives_every_failed_allocation(void **state)
{
    (void)state;
    for (size_t n = 1;; n++) {
        hm_alloc_fail_at(n);
        hmmm_ruleset *rs = hmmm_ruleset_new();
        hmmm_diags *d = hmmm_diags_new();
        hmmm_status st = HMMM_ENOMEM;
        if (rs && d) {
            st = hmmm_ruleset_load_buffer(rs, "good.yaml", good, strlen(good), d);
            if (st == HMMM_OK)
                st = hmmm_ruleset_compile(rs, d);
        }
        size_t made = hm_alloc_fail_at(0);
        hmmm_diags_free(d);
        hmmm_ruleset_free(rs);
        if (made < n) {
            assert_int_equal(st, HMMM_OK); /* no allocation failed: it must work */
            break;
        }
        assert_int_not_equal(st, HMMM_OK);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_a_good_file),
        cmocka_unit_test(reports_bad_files_with_positions),
        cmocka_unit_test(many_errors_are_all_reported),
        cmocka_unit_test(builtin_packs_load_and_compile),
        cmocka_unit_test(baked_keys_and_patterns_match_the_rules),
        cmocka_unit_test(unreadable_baked_pattern_is_compiled_instead),
        cmocka_unit_test(rules_from_files_compile_at_once),
        cmocka_unit_test(unknown_builtin_pack),
        cmocka_unit_test(survives_every_failed_allocation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
