/* selftest.c - hmmm test: every rule's own examples, checked as plain text.
 * A flag example must set its rule off; a pass example must not. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Whether rule R finds anything in TEXT. Returns -1 when checking failed. */
static int rule_fires(const hmmm_ruleset *rs, const hmmm_rule *r, const char *text)
{
    hmmm_result *res = NULL;
    hmmm_status st = hmmm_check(rs, text, strlen(text), HMMM_TEXT, &res);
    if (st != HMMM_OK) {
        hmmm_result_free(res);
        return -1;
    }
    int hit = 0;
    for (size_t i = 0; i < hmmm_result_count(res) && !hit; i++)
        hit = hmmm_result_get(res, i)->rule == r;
    hmmm_result_free(res);
    return hit;
}

/* Whether R comes from one of FILES (by path as loaded). */
static int from_files(const hmmm_rule *r, const char *const *files, size_t n)
{
    if (!n)
        return 1;
    for (size_t i = 0; i < n; i++) {
        size_t k = strlen(files[i]);
        if (!strcmp(r->file, files[i]) ||
            (!strncmp(r->file, files[i], k) && (r->file[k] == '/' || files[i][k - 1] == '/')))
            return 1;
    }
    return 0;
}

static void fail(const hmmm_rule *r, int color, const char *what, const char *text)
{
    printf("%s:%u:%u: %serror:%s %s: %s", r->file, r->line, r->column, color ? "\033[1;31m" : "",
           color ? "\033[0m" : "", r->id, what);
    if (text)
        printf(": \"%s\"", text);
    putchar('\n');
}

int run_selftest(const options *o, const hmmm_ruleset *rs, const char *const *only_files,
                 size_t n_only, int color)
{
    size_t passed = 0, failed = 0, rules = 0;
    for (size_t i = 0; i < hmmm_ruleset_rule_count(rs); i++) {
        const hmmm_rule *r = hmmm_ruleset_rule(rs, i);
        if (!from_files(r, only_files, n_only))
            continue;
        rules++;
        if (!r->n_flag) {
            fail(r, color, "has no flag examples", NULL);
            failed++;
        }
        if (!r->n_pass) {
            fail(r, color, "has no pass examples", NULL);
            failed++;
        }
        for (size_t k = 0; k < r->n_flag; k++) {
            int hit = rule_fires(rs, r, r->flag[k]);
            if (hit == 1) {
                passed++;
            } else {
                fail(r, color,
                     hit < 0 ? "could not check flag example" : "flag example not flagged",
                     r->flag[k]);
                failed++;
            }
        }
        for (size_t k = 0; k < r->n_pass; k++) {
            int hit = rule_fires(rs, r, r->pass[k]);
            if (hit == 0) {
                passed++;
            } else {
                fail(r, color, hit < 0 ? "could not check pass example" : "pass example flagged",
                     r->pass[k]);
                failed++;
            }
        }
    }
    if (!o->quiet)
        printf("checked the examples of %zu rule%s\nexamples: %zu passed, %zu failed\n", rules,
               rules == 1 ? "" : "s", passed, failed);
    return failed ? EXIT_FINDINGS : EXIT_CLEAN;
}
