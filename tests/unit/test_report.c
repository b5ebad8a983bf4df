/* test_report.c - --format html (src/cli/report.c): where the page places
 * the language on the ladder; the document's text escaped and never lost;
 * overlapping findings cut into highlights that never cross, each finding
 * named once; and the same page every time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli/cli.h"

static const char *rules_yaml = "pack: t\n"
                                "rules:\n"
                                "  - id: su\n"
                                "    level: warning\n"
                                "    words: [service users]\n"
                                "    message: m1\n"
                                "    glossary: [ladder-consultation]\n"
                                "  - id: users-of\n"
                                "    words: [users of care]\n"
                                "    message: m2\n"
                                "  - id: same\n"
                                "    level: error\n"
                                "    words: [service users]\n"
                                "    message: m3\n"
                                "  - id: we\n"
                                "    words: [we ask service users of care]\n"
                                "    message: m4\n"
                                "  - id: care\n"
                                "    words: [care]\n"
                                "    message: m5\n"
                                "glossary:\n"
                                "  - key: ladder-consultation\n"
                                "    term: C\n"
                                "    definition: D\n";

/* The page for TEXT (N bytes, as Markdown), as a string to free. */
static char *page_for(const char *text, size_t n, hmmm_doctype type)
{
    hmmm_ruleset *rs = hmmm_ruleset_new();
    hmmm_diags *d = hmmm_diags_new();
    assert_int_equal(hmmm_ruleset_load_buffer(rs, "t.yaml", rules_yaml, strlen(rules_yaml), d),
                     HMMM_OK);
    assert_int_equal(hmmm_ruleset_compile(rs, d), HMMM_OK);
    hmmm_result *res = NULL;
    assert_int_equal(hmmm_check(rs, text, n, type, &res), HMMM_OK);
    size_t k = hmmm_result_count(res);
    const hmmm_finding **fs = malloc((k ? k : 1) * sizeof *fs);
    for (size_t i = 0; i < k; i++)
        fs[i] = hmmm_result_get(res, i);
    char *out = NULL;
    size_t out_len = 0;
    FILE *f = open_memstream(&out, &out_len);
    report *r = report_new(f, rs);
    assert_non_null(r);
    assert_int_equal(report_file(r, "doc.md", text, n, 0, fs, k), 0);
    summary s = {.files = 1, .findings = k, .words = hmmm_result_words(res)};
    for (size_t i = 0; i < k; i++)
        s.by_level[fs[i]->level]++;
    assert_int_equal(report_end(r, &s), 0);
    report_free(r);
    fclose(f);
    free(fs);
    hmmm_result_free(res);
    hmmm_diags_free(d);
    hmmm_ruleset_free(rs);
    return out;
}

/* The inside of the page's first <div class="doc">, as a string to free. */
static char *doc_part(const char *page)
{
    const char *a = strstr(page, "<div class=\"doc\">");
    assert_non_null(a);
    a += strlen("<div class=\"doc\">");
    const char *b = strstr(a, "</div>");
    assert_non_null(b);
    char *s = malloc((size_t)(b - a) + 1);
    memcpy(s, a, (size_t)(b - a));
    s[b - a] = '\0';
    return s;
}

/* S without its tags, and the entities the page uses decoded. */
static char *text_of(const char *s)
{
    char *t = malloc(strlen(s) + 1);
    size_t k = 0;
    while (*s) {
        if (*s == '<') {
            s = strchr(s, '>') + 1;
        } else if (!strncmp(s, "&amp;", 5)) {
            t[k++] = '&';
            s += 5;
        } else if (!strncmp(s, "&lt;", 4)) {
            t[k++] = '<';
            s += 4;
        } else if (!strncmp(s, "&gt;", 4)) {
            t[k++] = '>';
            s += 4;
        } else {
            t[k++] = *s++;
        }
    }
    t[k] = '\0';
    return t;
}

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

static void ladder_placement(void **state)
{
    (void)state;
    size_t none[REPORT_RUNGS] = {0};
    assert_int_equal(report_ladder_place(none), -1);
    size_t one[REPORT_RUNGS] = {0, 0, 0, 4, 0, 0, 0};
    assert_int_equal(report_ladder_place(one), 3);
    size_t most[REPORT_RUNGS] = {1, 0, 2, 5, 7, 0, 0};
    assert_int_equal(report_ladder_place(most), 4);
    /* A tie goes to the lower rung. */
    size_t tie[REPORT_RUNGS] = {0, 3, 0, 0, 3, 0, 0};
    assert_int_equal(report_ladder_place(tie), 1);
}

static void text_is_escaped(void **state)
{
    (void)state;
    static const char text[] = "\xEF\xBB\xBF"
                               "a <b> & \"c\"\r\nd\re\x01"
                               "f\xFFg\xC2\x85h\ti \xF0\x9F\x98\x80\n";
    char *page = page_for(text, sizeof text - 1, HMMM_TEXT);
    char *doc = doc_part(page);
    assert_string_equal(doc, "a &lt;b&gt; &amp; \"c\"\nd\ne\xEF\xBF\xBD"
                             "f\xEF\xBF\xBDg\xEF\xBF\xBDh\ti \xF0\x9F\x98\x80\n");
    free(doc);
    free(page);
}

static void overlaps_never_cross(void **state)
{
    (void)state;
    static const char text[] = "We ask service users of care.\nThen care, care.\n";
    char *page = page_for(text, sizeof text - 1, HMMM_MARKDOWN);
    char *doc = doc_part(page);
    /* All the text is there, once. */
    char *plain = text_of(doc);
    assert_string_equal(plain, text);
    /* Findings: we (1), su (2), same (3), users-of (4), care (5), then
     * care twice more (6, 7). Each is named once. */
    for (int i = 1; i <= 7; i++) {
        char id[32];
        snprintf(id, sizeof id, "id=\"finding-%d\"", i);
        assert_int_equal(count(page, id), 1);
    }
    assert_int_equal(count(page, "id=\"finding-8\""), 0);
    /* Every highlight opens and closes before the next. */
    assert_int_equal(count(doc, "<a "), count(doc, "</a>"));
    for (const char *p = doc; (p = strstr(p, "<a ")); p++) {
        const char *close = strstr(p, "</a>"), *next = strstr(p + 1, "<a ");
        assert_true(!next || close < next);
    }
    /* The pieces: "We ask " under one rule; "service " under three (two on
     * the same words start there: one names the highlight, the other an
     * empty anchor before it); "users" under four, as "users of care"
     * starts there; " of " under two; "care" under three. */
    assert_non_null(strstr(doc, "data-f=\"1\" title=\"Warning: m4\">We ask </a>"));
    assert_non_null(strstr(doc, "<span id=\"finding-3\"></span><a class=\"hl lv-error many\" "
                                "href=\"#item-1\" id=\"finding-2\" data-f=\"1 2 3\""));
    assert_non_null(strstr(doc, "data-f=\"1 2 3\" title=\"Warning: m4&#10;Warning: "
                                "m1&#10;Error: m3\">service </a>"));
    assert_non_null(strstr(doc, "id=\"finding-4\" data-f=\"1 2 3 4\""));
    assert_non_null(strstr(doc, "data-f=\"1 4\" title=\"Warning: m4&#10;Warning: m2\"> "
                                "of </a>"));
    assert_non_null(strstr(doc, "id=\"finding-5\" data-f=\"1 4 5\""));
    /* Touching is not overlapping: ", " between the last two. */
    assert_non_null(strstr(doc, "id=\"finding-6\" data-f=\"6\" title=\"Warning: m5\">care</a>"
                                ", <a"));
    /* The one rule on a rung places the language there. */
    assert_non_null(strstr(page, "sits mostly on the <strong>Consultation</strong> rung: the "
                                 "one finding that points to a rung is there."));
    free(plain);
    free(doc);
    free(page);
}

static void same_page_every_time(void **state)
{
    (void)state;
    static const char text[] = "We ask service users of care.\n";
    char *a = page_for(text, sizeof text - 1, HMMM_MARKDOWN);
    char *b = page_for(text, sizeof text - 1, HMMM_MARKDOWN);
    assert_string_equal(a, b);
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ladder_placement),
        cmocka_unit_test(text_is_escaped),
        cmocka_unit_test(overlaps_never_cross),
        cmocka_unit_test(same_page_every_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
