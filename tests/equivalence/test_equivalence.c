/* The prefilter changes no finding: every built-in rule, checked with the
 * prefilter and with every rule scanning the whole text, gives the same
 * findings on generated adversarial text (the words of the rules, mixed
 * with every kind of separator, case, hyphen, apostrophe, letters that fold
 * to ASCII, markup and bytes that are not UTF-8) and, when a path is given,
 * on every file below it. Nor does checking Markdown a window at a time:
 * each Markdown document is also checked with a window after every block
 * and as little text kept as the rules allow, both ways, and must give the
 * same findings, words and matched text as in one go. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "internal.h"

static hmmm_ruleset *fast, *slow;
static const char *corpus;

static hmmm_ruleset *load(int prefilter)
{
    static const char extra[] =
        "pack: extra\nrules:\n"
        "  - id: pattern-start\n    pattern: '\\b(?:our|the)\\s+(?:(?:most|very)\\s+)?needy\\b'\n"
        "    message: m\n"
        "  - id: no-boundary\n    pattern: 'ment\\b'\n    message: m\n"
        "  - id: optional-letter\n    pattern: '\\bcolou?r\\s+scheme'\n    message: m\n"
        "  - id: case\n    words: [KPI]\n    case: sensitive\n    message: m\n"
        "  - id: kelvin\n    words: [\"kind words\", \"sky*\"]\n    message: m\n"
        "  - id: hyphens\n    words: [\"re-able-ment\", \"well being\"]\n    message: m\n";
    hmmm_ruleset *rs = hmmm_ruleset_new();
    hmmm_diags *d = hmmm_diags_new();
    hmmm_ruleset_set_prefilter(rs, prefilter);
    assert_int_equal(hmmm_ruleset_load_builtin(rs, NULL, 0, d), HMMM_OK);
    assert_int_equal(hmmm_ruleset_load_buffer(rs, "extra.yaml", extra, strlen(extra), d), HMMM_OK);
    assert_int_equal(hmmm_ruleset_compile(rs, d), HMMM_OK);
    hmmm_diags_free(d);
    return rs;
}

static int setup(void **state)
{
    (void)state;
    fast = load(1);
    slow = load(0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    hmmm_ruleset_free(fast);
    hmmm_ruleset_free(slow);
    return 0;
}

/* Fails, showing the first difference, unless A (checked HOW_A) and B
 * (HOW_B) hold the same findings, words and errors; frees both. Returns
 * the number of findings. */
static size_t same(hmmm_result *a, hmmm_result *b, const char *what, const char *how_a,
                   const char *how_b)
{
    size_t na = hmmm_result_count(a), nb = hmmm_result_count(b);
    for (size_t i = 0; i < na || i < nb; i++) {
        const hmmm_finding *x = hmmm_result_get(a, i), *y = hmmm_result_get(b, i);
        if (x && y && x->offset == y->offset && x->length == y->length &&
            x->mention == y->mention && !strcmp(x->rule->id, y->rule->id) &&
            !strcmp(x->match, y->match) && x->line == y->line && x->column == y->column)
            continue;
        print_error("%s: finding %zu differs: %s %s at %zu+%zu, %s %s at %zu+%zu\n", what, i, how_a,
                    x ? x->rule->id : "none", x ? x->offset : 0, x ? x->length : 0, how_b,
                    y ? y->rule->id : "none", y ? y->offset : 0, y ? y->length : 0);
        fail();
    }
    assert_int_equal(hmmm_result_words(a), hmmm_result_words(b));
    assert_int_equal(hmmm_result_error_count(a), hmmm_result_error_count(b));
    hmmm_result_free(a);
    hmmm_result_free(b);
    return na;
}

/* Checks DOC both ways and fails, showing the first difference, if the
 * findings differ. Returns the number of findings. */
static size_t compare(const char *doc, size_t len, hmmm_doctype type, const char *what)
{
    hmmm_result *a = NULL, *b = NULL;
    hmmm_status sa = hmmm_check(fast, doc, len, type, &a);
    hmmm_status sb = hmmm_check(slow, doc, len, type, &b);
    assert_int_equal(sa, sb);
    return same(a, b, what, "with prefilter", "without");
}

/* Bytes kept for lookbehinds in the windowed checks: the built-in rules
 * and the extra ones look back at most 13 characters. */
#define TEST_KEEP 64

static size_t windows_compared;

/* Checks Markdown DOC with RS in one go and a window after every block,
 * and fails, showing the first difference, if anything differs. */
static void compare_windowed(const hmmm_ruleset *rs, const char *doc, size_t len, const char *what)
{
    hmmm_result *a = NULL, *b = NULL;
    hmmm_status sa = hm_check_windowed(rs, doc, len, HMMM_MARKDOWN, HMMM_CHECK_MENTIONS, 0, 0, &a);
    hmmm_status sb =
        hm_check_windowed(rs, doc, len, HMMM_MARKDOWN, HMMM_CHECK_MENTIONS, 1, TEST_KEEP, &b);
    assert_int_equal(sa, sb);
    same(a, b, what, "in one go", "a window at a time");
    windows_compared++;
}

/* A small deterministic generator (xorshift). */
static uint64_t seed = 0x9E3779B97F4A7C15u;
static uint32_t next(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return (uint32_t)(seed >> 11);
}

static void add_word_variant(hm_buf *b, const char *w, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)w[i];
        switch (next() % 24) {
        case 0:
            c = (unsigned char)(c >= 'a' && c <= 'z' ? c - 32 : c);
            break;
        case 1:
            if (c == 'k' || c == 'K') {
                hm_buf_adds(b, "\xE2\x84\xAA"); /* Kelvin sign */
                continue;
            }
            if (c == 's') {
                hm_buf_adds(b, "\xC5\xBF"); /* long s */
                continue;
            }
            break;
        case 2:
            if (c == '-') {
                hm_buf_adds(b, next() % 2 ? "\xE2\x80\x90" : "");
                continue;
            }
            if (c == '\'') {
                hm_buf_adds(b, "\xE2\x80\x99");
                continue;
            }
            break;
        default:
            break;
        }
        hm_buf_addc(b, (char)c);
    }
}

static void generate(hm_buf *b, char **words, size_t n_words, char **examples, size_t n_examples,
                     size_t tokens)
{
    static const char *const seps[] = {
        " ",        " ",        " ",    "  ",   "\n",    "\t",
        "-",        "\xC2\xA0", "\n\n", "\r\n", " *",    "* ",
        "_",        ". ",       ", ",   "'",    "\"",    "\xE2\x80\x9C",
        "(",        "`",        "**",   "[",    "](x) ", "\xE2\x80\x94",
        "\xC3\xA9", "\xFF",     "x",    " <b>", "</b> ", " 5",
        "\n> ",     "\n- ",     "\n# ", " | ",  "&amp;"};
    for (size_t t = 0; t < tokens; t++) {
        /* Now and then a whole flag example, so that phrases appear whole. */
        const char *w = next() % 8 == 0 ? examples[next() % n_examples] : words[next() % n_words];
        add_word_variant(b, w, strlen(w));
        const char *sep = seps[next() % (sizeof seps / sizeof seps[0])];
        hm_buf_adds(b, sep);
    }
}

/* Every rule's flag examples, without their [[ ]] marks. */
static char **rule_examples(size_t *n)
{
    hm_vec v = {0};
    for (size_t i = 0; i < hmmm_ruleset_rule_count(fast); i++) {
        const hmmm_rule *r = hmmm_ruleset_rule(fast, i);
        for (size_t k = 0; k < r->n_flag; k++) {
            hm_buf b = {0};
            for (const char *p = r->flag[k]; *p; p++)
                if (!((p[0] == '[' && p[1] == '[') || (p[0] == ']' && p[1] == ']') ||
                      (p[0] == '[' && p > r->flag[k] && p[-1] == '[') ||
                      (p[0] == ']' && p > r->flag[k] && p[-1] == ']')))
                    hm_buf_addc(&b, *p);
            hm_vec_push(&v, hm_buf_take(&b));
        }
    }
    *n = v.n;
    return (char **)v.items;
}

/* The words of every rule's phrases and examples, split at white space. */
static char **rule_words(size_t *n)
{
    hm_vec v = {0};
    for (size_t i = 0; i < hmmm_ruleset_rule_count(fast); i++) {
        const hmmm_rule *r = hmmm_ruleset_rule(fast, i);
        for (size_t k = 0; k < r->n_words + r->n_flag; k++) {
            const char *phrase = k < r->n_words ? r->words[k] : r->flag[k - r->n_words];
            const char *p = phrase;
            while (*p) {
                while (*p == ' ')
                    p++;
                const char *start = p;
                while (*p && *p != ' ')
                    p++;
                if (p > start) {
                    char *w = hm_strndup(start, (size_t)(p - start));
                    for (char *c = w; *c; c++)
                        if (*c == '*' || *c == '[' || *c == ']')
                            *c = 'e';
                    hm_vec_push(&v, w);
                }
            }
        }
    }
    *n = v.n;
    return (char **)v.items;
}

static int n_docs = 400; /* generated documents to compare */

static void generated_text_agrees(void **state)
{
    (void)state;
    size_t n_words, n_examples;
    char **words = rule_words(&n_words);
    char **examples = rule_examples(&n_examples);
    assert_true(n_words > 100);
    assert_true(n_examples > 100);
    size_t findings = 0;
    for (int doc = 0; doc < n_docs; doc++) {
        hm_buf b = {0};
        generate(&b, words, n_words, examples, n_examples, 50 + next() % 400);
        char what[64];
        snprintf(what, sizeof what, "generated document %d", doc);
        findings += compare(b.data, b.len, HMMM_TEXT, what);
        findings += compare(b.data, b.len, HMMM_MARKDOWN, what);
        compare_windowed(fast, b.data, b.len, what);
        compare_windowed(slow, b.data, b.len, what);
        hm_buf_free(&b);
    }
    for (size_t i = 0; i < n_words; i++)
        hm_free(words[i]);
    hm_free(words);
    for (size_t i = 0; i < n_examples; i++)
        hm_free(examples[i]);
    hm_free(examples);
    print_message("generated text: %d checks, %zu findings, all the same both ways; %zu "
                  "Markdown checks the same a window at a time\n",
                  2 * n_docs, findings, windows_compared);
    assert_true(findings > 1000); /* the generator does hit the rules */
}

static size_t files, corpus_findings;

static void walk(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            walk(path);
            continue;
        }
        int type = hmmm_doctype_for_path(path);
        if (type < 0)
            continue;
        char *data;
        size_t len;
        if (hm_read_file(path, &data, &len) != 0)
            continue;
        corpus_findings += compare(data, len, (hmmm_doctype)type, path);
        if (type == HMMM_MARKDOWN)
            compare_windowed(fast, data, len, path);
        hm_free(data);
        files++;
    }
    closedir(d);
}

static void corpus_agrees(void **state)
{
    (void)state;
    if (!corpus) {
        print_message("no corpus given: only generated text was compared\n");
        skip();
    }
    walk(corpus);
    print_message("corpus: %zu files, %zu findings, all the same both ways; Markdown the same "
                  "a window at a time\n",
                  files, corpus_findings);
    assert_true(files > 0);
}

int main(int argc, char **argv)
{
    /* test_equivalence [--docs N] [CORPUS] */
    int a = 1;
    if (argc > a + 1 && !strcmp(argv[a], "--docs")) {
        n_docs = atoi(argv[a + 1]);
        a += 2;
    }
    corpus = argc > a ? argv[a] : NULL;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(generated_text_agrees),
        cmocka_unit_test(corpus_agrees),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
