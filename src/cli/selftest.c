/* selftest.c - hmmm test: every rule's own examples, checked as plain text.
 *
 * A flag example must set its rule off; when it marks a span with [[ and ]],
 * the rule must find exactly that span. A pass example must not set the rule
 * off. And for every flag example and every suggestion, the matched words
 * replaced with the suggestion must not set the same rule off again. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct example {
    char *text;        /* the example without its [[ ]] marks */
    size_t start, end; /* the marked span, when there is one */
    int marked;
} example;

/* Splits off the [[ ]] marks. Returns -1 when out of memory. */
static int parse_example(const char *raw, example *ex)
{
    size_t n = strlen(raw);
    ex->text = malloc(n + 1);
    if (!ex->text)
        return -1;
    const char *open = strstr(raw, "[[");
    const char *close = open ? strstr(open + 2, "]]") : NULL;
    ex->marked = close != NULL;
    if (!ex->marked) {
        memcpy(ex->text, raw, n + 1);
        return 0;
    }
    size_t a = (size_t)(open - raw), b = (size_t)(close - open - 2);
    memcpy(ex->text, raw, a);
    memcpy(ex->text + a, open + 2, b);
    strcpy(ex->text + a + b, close + 2);
    ex->start = a;
    ex->end = a + b;
    return 0;
}

/* The findings of rule R in TEXT, or NULL (with *failed set) on failure;
 * running out of memory also counts in *NOMEM. */
static hmmm_result *check_text(const hmmm_ruleset *rs, const char *text, int *failed, int *nomem)
{
    hmmm_result *res = NULL;
    hmmm_status st = hmmm_check(rs, text, strlen(text), HMMM_TEXT, &res);
    *failed = st != HMMM_OK;
    *nomem += st == HMMM_ENOMEM;
    return res;
}

static size_t count_rule(const hmmm_result *res, const hmmm_rule *r)
{
    size_t n = 0;
    for (size_t i = 0; i < hmmm_result_count(res); i++)
        n += hmmm_result_get(res, i)->rule == r;
    return n;
}

static int has_span(const hmmm_result *res, const hmmm_rule *r, size_t start, size_t end)
{
    for (size_t i = 0; i < hmmm_result_count(res); i++) {
        const hmmm_finding *f = hmmm_result_get(res, i);
        if (f->rule == r && f->offset == start && f->offset + f->length == end)
            return 1;
    }
    return 0;
}

/* TEXT with every finding of R replaced by SUGGESTION, keeping a capital
 * first letter. */
static char *apply_suggestion(const char *text, const hmmm_result *res, const hmmm_rule *r,
                              const char *suggestion)
{
    size_t n = strlen(text), sl = strlen(suggestion), k = 0, from = 0;
    size_t count = count_rule(res, r);
    char *out = malloc(n + count * sl + 1);
    if (!out)
        return NULL;
    for (size_t i = 0; i < hmmm_result_count(res); i++) {
        const hmmm_finding *f = hmmm_result_get(res, i);
        if (f->rule != r || f->offset < from)
            continue;
        memcpy(out + k, text + from, f->offset - from);
        k += f->offset - from;
        memcpy(out + k, suggestion, sl);
        if (isupper((unsigned char)text[f->offset]))
            out[k] = (char)toupper((unsigned char)out[k]);
        k += sl;
        from = f->offset + f->length;
    }
    strcpy(out + k, text + from);
    return out;
}

static void fail(const hmmm_rule *r, int color, const char *what, const char *text)
{
    printf("%s:%u:%u: %serror:%s %s: %s", r->file, r->line, r->column, color ? "\033[1;31m" : "",
           color ? "\033[0m" : "", r->id, what);
    if (text)
        printf(": \"%s\"", text);
    putchar('\n');
}

/* Checks one flag example; returns the number of failures. */
static size_t test_flag(const hmmm_ruleset *rs, const hmmm_rule *r, const char *raw, int color,
                        int *nomem)
{
    example ex = {0};
    if (parse_example(raw, &ex) < 0) {
        fail(r, color, "out of memory", NULL);
        ++*nomem;
        return 1;
    }
    int failed;
    size_t failures = 0;
    hmmm_result *res = check_text(rs, ex.text, &failed, nomem);
    if (failed) {
        fail(r, color, "could not check flag example", raw);
        failures++;
    } else if (!count_rule(res, r)) {
        fail(r, color, "flag example not flagged", raw);
        failures++;
    } else if (ex.marked && !has_span(res, r, ex.start, ex.end)) {
        fail(r, color, "flag example flagged, but not exactly the marked words", raw);
        failures++;
    } else {
        for (size_t s = 0; s < r->n_suggest; s++) {
            char *fixed = apply_suggestion(ex.text, res, r, r->suggest[s]);
            hmmm_result *again = fixed ? check_text(rs, fixed, &failed, nomem) : NULL;
            *nomem += !fixed;
            if (!fixed || failed || count_rule(again, r)) {
                char what[512];
                snprintf(what, sizeof what, "suggestion \"%s\" sets the rule off again",
                         r->suggest[s]);
                fail(r, color, what, fixed ? fixed : raw);
                failures++;
            }
            hmmm_result_free(again);
            free(fixed);
        }
    }
    hmmm_result_free(res);
    free(ex.text);
    return failures;
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

int run_selftest(const options *o, const hmmm_ruleset *rs, const char *const *only_files,
                 size_t n_only, int color)
{
    size_t passed = 0, failed = 0, rules = 0;
    int nomem = 0;
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
            size_t f = test_flag(rs, r, r->flag[k], color, &nomem);
            failed += f;
            passed += !f;
        }
        for (size_t k = 0; k < r->n_pass; k++) {
            int err;
            hmmm_result *res = check_text(rs, r->pass[k], &err, &nomem);
            if (!err && !count_rule(res, r)) {
                passed++;
            } else {
                fail(r, color, err ? "could not check pass example" : "pass example flagged",
                     r->pass[k]);
                failed++;
            }
            hmmm_result_free(res);
        }
    }
    if (!o->quiet)
        printf("checked the examples of %zu rule%s\nexamples: %zu passed, %zu failed\n", rules,
               rules == 1 ? "" : "s", passed, failed);
    if (nomem) {
        errorf("out of memory: %d example%s could not be checked", nomem, nomem == 1 ? "" : "s");
        return EXIT_TROUBLE;
    }
    return failed ? EXIT_FINDINGS : EXIT_CLEAN;
}
