/* Unit tests for config.c: reading .hmmm.yaml and applying it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"

static hmmm_config *load(const char *text, hmmm_diags *d)
{
    return hmmm_config_load_buffer("/proj/.hmmm.yaml", text, strlen(text), d);
}

static void reads_every_key(void **state)
{
    (void)state;
    hmmm_diags *d = hmmm_diags_new();
    hmmm_config *cfg = load("packs: [coproduction]\n"
                            "rules: [style/ours.yaml, /abs/r.yaml]\n"
                            "disable: [jargon.procurement]\n"
                            "levels: {coproduction.service-users: error}\n"
                            "accept: [\"Access to Work\"]\n"
                            "ignore: [\"archive/**\"]\n"
                            "min-level: warning\n"
                            "fail-on: never\n",
                            d);
    assert_non_null(cfg);
    size_t n;
    const char *const *packs = hmmm_config_packs(cfg, &n);
    assert_int_equal(n, 1);
    assert_string_equal(packs[0], "coproduction");
    const char *const *rules = hmmm_config_rules(cfg, &n);
    assert_int_equal(n, 2);
    assert_string_equal(rules[0], "/proj/style/ours.yaml");
    assert_string_equal(rules[1], "/abs/r.yaml");
    assert_int_equal(hmmm_config_min_level(cfg), HMMM_WARNING);
    assert_int_equal(hmmm_config_fail_on(cfg), 3);
    hmmm_config_free(cfg);
    hmmm_diags_free(d);
}

static void unset_values(void **state)
{
    (void)state;
    hmmm_diags *d = hmmm_diags_new();
    hmmm_config *cfg = load("", d);
    assert_non_null(cfg);
    size_t n;
    assert_null(hmmm_config_packs(cfg, &n));
    assert_int_equal(hmmm_config_min_level(cfg), -1);
    assert_int_equal(hmmm_config_fail_on(cfg), -1);
    hmmm_config_free(cfg);
    hmmm_diags_free(d);
}

static void expect_error(const char *text, unsigned line, unsigned column, const char *what)
{
    hmmm_diags *d = hmmm_diags_new();
    assert_null(load(text, d));
    assert_true(hmmm_diags_count(d) >= 1);
    const hmmm_diag *g = hmmm_diags_get(d, 0);
    if (!strstr(g->message, what))
        print_error("message: %s\n", g->message);
    assert_non_null(strstr(g->message, what));
    assert_string_equal(g->file, "/proj/.hmmm.yaml");
    assert_int_equal(g->line, line);
    assert_int_equal(g->column, column);
    hmmm_diags_free(d);
}

static void bad_configs(void **state)
{
    (void)state;
    expect_error("pakcs: [a]\n", 1, 1, "unknown key 'pakcs'");
    expect_error("packs: [nonesuch]\n", 1, 9, "no built-in pack named 'nonesuch'");
    expect_error("min-level: loud\n", 1, 12, "'min-level' must be");
    expect_error("fail-on: [error]\n", 1, 10, "'fail-on' must be");
    expect_error("levels: [a]\n", 1, 9, "'levels' must map");
    expect_error("levels: {a.b: loud}\n", 1, 15, "'levels' must be");
    expect_error("accept: {a: 1}\n", 1, 9, "must be a list");
    expect_error("- a\n", 1, 1, "must be a mapping");
    expect_error("accept: [a]\naccept: [b]\n", 2, 1, "duplicate key");
}

static hmmm_ruleset *demo_rules(void)
{
    static const char text[] = "pack: demo\nrules:\n"
                               "  - id: one\n    words: [alpha]\n    message: m\n"
                               "  - id: two\n    words: [beta]\n    message: m\n";
    hmmm_ruleset *rs = hmmm_ruleset_new();
    assert_int_equal(hmmm_ruleset_load_buffer(rs, "demo.yaml", text, strlen(text), NULL), HMMM_OK);
    return rs;
}

static void applies_disable_levels_accept(void **state)
{
    (void)state;
    hmmm_diags *d = hmmm_diags_new();
    hmmm_config *cfg = load("disable: [demo.one]\nlevels: {demo: error}\n"
                            "accept: [beta blocker]\n",
                            d);
    hmmm_ruleset *rs = demo_rules();
    assert_int_equal(hmmm_ruleset_configure(rs, cfg, d), HMMM_OK);
    assert_int_equal(hmmm_ruleset_compile(rs, d), HMMM_OK);
    assert_int_equal(hmmm_ruleset_rule_count(rs), 1);
    const hmmm_rule *two = hmmm_ruleset_rule(rs, 0);
    assert_string_equal(two->id, "demo.two");
    assert_int_equal(two->level, HMMM_ERROR);
    hmmm_result *res;
    const char *doc = "alpha beta, beta blocker";
    assert_int_equal(hmmm_check(rs, doc, strlen(doc), HMMM_TEXT, &res), HMMM_OK);
    assert_int_equal(hmmm_result_count(res), 1); /* alpha is off; "beta blocker" accepted */
    assert_int_equal(hmmm_result_get(res, 0)->offset, 6);
    hmmm_result_free(res);
    hmmm_ruleset_free(rs);
    hmmm_config_free(cfg);
    hmmm_diags_free(d);
}

static void unknown_ids_are_reported(void **state)
{
    (void)state;
    hmmm_diags *d = hmmm_diags_new();
    hmmm_config *cfg = load("disable: [demo.three, nopack.x]\n", d);
    hmmm_ruleset *rs = demo_rules();
    assert_int_equal(hmmm_ruleset_configure(rs, cfg, d), HMMM_EINVAL);
    assert_int_equal(hmmm_diags_count(d), 2);
    assert_int_equal(hmmm_diags_get(d, 0)->column, 11);
    hmmm_ruleset_free(rs);
    hmmm_config_free(cfg);
    hmmm_diags_free(d);
}

static void ignore_globs(void **state)
{
    (void)state;
    hmmm_diags *d = hmmm_diags_new();
    hmmm_config *cfg = load("ignore: [\"archive/**\", \"*.draft.md\", \"notes\"]\n", d);
    assert_true(hmmm_config_ignores(cfg, "/proj/archive/2019/a.md"));
    assert_true(hmmm_config_ignores(cfg, "/proj/docs/x.draft.md"));
    assert_true(hmmm_config_ignores(cfg, "/proj/notes/a.md"));
    assert_false(hmmm_config_ignores(cfg, "/proj/docs/archive.md"));
    assert_false(hmmm_config_ignores(cfg, "/proj/docs/a.md"));
    hmmm_config_free(cfg);
    hmmm_diags_free(d);
}

static void finds_the_nearest_config(void **state)
{
    (void)state;
    char dir[] = "/tmp/hmmm-cfg-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char sub[128], deeper[160], file[160], inner[160];
    snprintf(sub, sizeof sub, "%s/a", dir);
    snprintf(deeper, sizeof deeper, "%s/a/b", dir);
    snprintf(file, sizeof file, "%s/.hmmm.yaml", dir);
    snprintf(inner, sizeof inner, "%s/a/.hmmm.yaml", dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    assert_int_equal(mkdir(deeper, 0755), 0);
    FILE *f = fopen(file, "w");
    fputs("fail-on: never\n", f);
    fclose(f);
    char *found = hmmm_config_find(deeper);
    assert_non_null(found);
    assert_non_null(strstr(found, "/.hmmm.yaml"));
    assert_null(strstr(found, "/a/.hmmm.yaml"));
    hmmm_free(found);
    f = fopen(inner, "w");
    fclose(f);
    found = hmmm_config_find(deeper);
    assert_non_null(strstr(found, "/a/.hmmm.yaml"));
    hmmm_free(found);
    unlink(inner);
    unlink(file);
    rmdir(deeper);
    rmdir(sub);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_every_key),
        cmocka_unit_test(unset_values),
        cmocka_unit_test(bad_configs),
        cmocka_unit_test(applies_disable_levels_accept),
        cmocka_unit_test(unknown_ids_are_reported),
        cmocka_unit_test(ignore_globs),
        cmocka_unit_test(finds_the_nearest_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
