/* Unit tests for check.c: findings, positions, exceptions, directives. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

static const char rules_text[] =
    "pack: t\nrules:\n"
    "  - id: su\n    words: [\"service user*\"]\n    exceptions: [service user research]\n"
    "    message: '\"{match}\" jars'\n"
    "  - id: empower\n    level: suggestion\n    words: [\"empower*\"]\n    message: m\n"
    "  - id: runaway\n    pattern: '(a+)+$'\n    message: m\n";

static hmmm_ruleset *rules(int with_runaway)
{
    hmmm_ruleset *rs = hmmm_ruleset_new();
    hmmm_diags *d = hmmm_diags_new();
    assert_int_equal(hmmm_ruleset_load_buffer(rs, "t.yaml", rules_text, strlen(rules_text), d),
                     HMMM_OK);
    if (!with_runaway) {
        hm_rule *r = rs->rules.items[2];
        r->disabled = 1;
    }
    assert_int_equal(hmmm_ruleset_compile(rs, d), HMMM_OK);
    hmmm_diags_free(d);
    return rs;
}

/* Rules from the YAML TEXT, compiled. */
static hmmm_ruleset *load(const char *text)
{
    hmmm_ruleset *rs = hmmm_ruleset_new();
    hmmm_diags *d = hmmm_diags_new();
    assert_int_equal(hmmm_ruleset_load_buffer(rs, "x.yaml", text, strlen(text), d), HMMM_OK);
    assert_int_equal(hmmm_ruleset_compile(rs, d), HMMM_OK);
    hmmm_diags_free(d);
    return rs;
}

static hmmm_result *check(const hmmm_ruleset *rs, const char *doc, hmmm_doctype type)
{
    hmmm_result *res = NULL;
    assert_int_equal(hmmm_check(rs, doc, strlen(doc), type, &res), HMMM_OK);
    return res;
}

/* Whether pattern CODE has been compiled to machine code. */
static int has_jit(const pcre2_code *code)
{
    size_t size = 0;
    return pcre2_pattern_info(code, PCRE2_INFO_JITSIZE, &size) == 0 && size > 0;
}

/* A rule's patterns are compiled to machine code once it has been tried
 * HM_JIT_AFTER times, across documents; the findings stay the same. */
static void busy_rules_get_machine_code(void **state)
{
    (void)state;
    uint32_t jit = 0;
    pcre2_config(PCRE2_CONFIG_JIT, &jit);
    if (!jit || getenv("HMMM_NO_JIT"))
        skip();
    hmmm_ruleset *rs = rules(0);
    hm_rule *su = rs->rules.items[0], *empower = rs->rules.items[1];
    const char *doc = "Service users. Service users, service user research. Empowered.";
    size_t tries = 0;
    hmmm_result *first = check(rs, doc, HMMM_TEXT);
    assert_false(has_jit(su->re));
    assert_false(has_jit(su->exc_re));
    for (; !has_jit(su->re) && tries < 100; tries++)
        hmmm_result_free(check(rs, doc, HMMM_TEXT));
    /* Three places a try each, so the mark is passed on the eleventh. */
    assert_int_equal(tries, (HM_JIT_AFTER + 2) / 3 - 1);
    assert_true(has_jit(su->exc_re));
    assert_false(has_jit(empower->re)); /* tried once a document */
    hmmm_result *later = check(rs, doc, HMMM_TEXT);
    assert_int_equal(hmmm_result_count(later), hmmm_result_count(first));
    for (size_t i = 0; i < hmmm_result_count(first); i++) {
        assert_int_equal(hmmm_result_get(later, i)->offset, hmmm_result_get(first, i)->offset);
        assert_int_equal(hmmm_result_get(later, i)->length, hmmm_result_get(first, i)->length);
        assert_ptr_equal(hmmm_result_get(later, i)->rule, hmmm_result_get(first, i)->rule);
    }
    hmmm_result_free(first);
    hmmm_result_free(later);
    hmmm_ruleset_free(rs);
}

/* With the JIT off, nothing is compiled to machine code however busy. */
static void jit_off_stays_off(void **state)
{
    (void)state;
    hmmm_ruleset *rs = hmmm_ruleset_new();
    hmmm_diags *d = hmmm_diags_new();
    hmmm_ruleset_set_jit(rs, 0);
    assert_int_equal(hmmm_ruleset_load_buffer(rs, "t.yaml", rules_text, strlen(rules_text), d),
                     HMMM_OK);
    assert_int_equal(hmmm_ruleset_compile(rs, d), HMMM_OK);
    for (int i = 0; i < HM_JIT_AFTER; i++)
        hmmm_result_free(check(rs, "Service users, service users.", HMMM_TEXT));
    assert_false(has_jit(((hm_rule *)rs->rules.items[0])->re));
    hmmm_diags_free(d);
    hmmm_ruleset_free(rs);
}

static void finding_fields(void **state)
{
    (void)state;
    hmmm_ruleset *rs = rules(0);
    hmmm_result *res = check(rs, "Caf\xC3\xA9: our Service\n  Users.", HMMM_TEXT);
    assert_int_equal(hmmm_result_count(res), 1);
    const hmmm_finding *f = hmmm_result_get(res, 0);
    assert_string_equal(f->rule->id, "t.su");
    assert_int_equal(f->level, HMMM_WARNING);
    assert_int_equal(f->offset, 11);
    assert_int_equal(f->length, 15);
    assert_int_equal(f->line, 1);
    assert_int_equal(f->column, 11);
    assert_int_equal(f->end_line, 2);
    assert_int_equal(f->end_column, 8);
    assert_string_equal(f->match, "Service Users");
    assert_string_equal(f->message, "\"Service Users\" jars");
    hmmm_result_free(res);
    hmmm_ruleset_free(rs);
}

static void document_order_and_levels(void **state)
{
    (void)state;
    hmmm_ruleset *rs = rules(0);
    hmmm_result *res = check(rs, "empowered service users; empowerment", HMMM_TEXT);
    assert_int_equal(hmmm_result_count(res), 3);
    assert_string_equal(hmmm_result_get(res, 0)->rule->id, "t.empower");
    assert_int_equal(hmmm_result_get(res, 0)->level, HMMM_SUGGESTION);
    assert_string_equal(hmmm_result_get(res, 1)->rule->id, "t.su");
    assert_string_equal(hmmm_result_get(res, 2)->match, "empowerment");
    assert_true(hmmm_result_get(res, 1)->offset < hmmm_result_get(res, 2)->offset);
    assert_int_equal(hmmm_result_words(res), 4);
    hmmm_result_free(res);
    hmmm_ruleset_free(rs);
}

static void exceptions_drop_matches_inside_them(void **state)
{
    (void)state;
    hmmm_ruleset *rs = rules(0);
    hmmm_result *res = check(rs, "service user research with service users", HMMM_TEXT);
    assert_int_equal(hmmm_result_count(res), 1);
    assert_int_equal(hmmm_result_get(res, 0)->offset, 27);
    hmmm_result_free(res);
    hmmm_ruleset_free(rs);
}

/* An exception is looked for only where it could hold the match: from as
 * many words before it as the longest exception has. One that starts that
 * far back still holds it; one that ends before it does not. */
static void exceptions_reach_back_their_own_length(void **state)
{
    (void)state;
    const char *y = "pack: t\nrules:\n"
                    "  - id: engage\n    words: [engage]\n"
                    "    exceptions: [\"we didn't even try to engage\"]\n"
                    "    message: m\n";
    hmmm_ruleset *rs = load(y);
    hmmm_result *res = check(rs,
                             "We didn't even try to\nengage. We didn't even try. To engage "
                             "them we didn't even try to engage.",
                             HMMM_TEXT);
    assert_int_equal(hmmm_result_count(res), 1);
    assert_int_equal(hmmm_result_get(res, 0)->offset, 53);
    hmmm_result_free(res);
    hmmm_ruleset_free(rs);
}

/* Threads checking at once with a fresh set of built-in rules race to
 * compile the patterns they need; each gets the same findings as one
 * thread alone. */
typedef struct racer {
    const hmmm_ruleset *rs;
    const char *text;
    size_t found;
    hmmm_status st;
} racer;

static void *race(void *arg)
{
    racer *x = arg;
    hmmm_result *res = NULL;
    x->st = hmmm_check(x->rs, x->text, strlen(x->text), HMMM_TEXT, &res);
    x->found = res ? hmmm_result_count(res) : 0;
    hmmm_result_free(res);
    return NULL;
}

static void threads_compile_rules_as_they_need_them(void **state)
{
    (void)state;
    const char *text = "We will empower service users and engage stakeholders to co-produce "
                       "a robust, joined-up offer; hard-to-reach groups will have a voice.";
    size_t alone = 0;
    for (int round = 0; round < 2; round++) {
        hmmm_ruleset *rs = hmmm_ruleset_new();
        hmmm_diags *d = hmmm_diags_new();
        assert_int_equal(hmmm_ruleset_load_builtin(rs, NULL, 0, d), HMMM_OK);
        assert_int_equal(hmmm_ruleset_compile(rs, d), HMMM_OK);
        racer x[4];
        pthread_t t[4];
        int n = round ? 4 : 1;
        for (int i = 0; i < n; i++) {
            x[i] = (racer){rs, text, 0, HMMM_EINVAL};
            assert_int_equal(pthread_create(&t[i], NULL, race, &x[i]), 0);
        }
        for (int i = 0; i < n; i++) {
            pthread_join(t[i], NULL);
            assert_int_equal(x[i].st, HMMM_OK);
            if (!round)
                alone = x[i].found;
            assert_int_equal(x[i].found, alone);
        }
        assert_true(alone >= 5);
        hmmm_diags_free(d);
        hmmm_ruleset_free(rs);
    }
}

/* Bytes that are not UTF-8 split the text: phrases on either side are
 * found, none runs across them, and an exception cannot reach over them.
 * With PCRE2's JIT and without, the same. */
static void bad_bytes_split_the_text(void **state)
{
    (void)state;
    static const struct {
        const char *doc;
        size_t n, first;
    } cases[] = {
        {"service users \xFF service users", 2, 0},
        {"service\xFFusers and service\xC0\x80 users", 0, 0},
        {"\xE2\x80 service users", 1, 3},
        {"service user\xFF research", 1, 0},
        {"service user research \xF5\x80\x80\x80", 0, 0},
        {"\xED\xA0\x80service users", 1, 3}, /* a surrogate */
    };
    for (int jit = 0; jit < 2; jit++) {
        hmmm_ruleset *rs = hmmm_ruleset_new();
        hmmm_diags *d = hmmm_diags_new();
        assert_int_equal(hmmm_ruleset_load_buffer(rs, "t.yaml", rules_text, strlen(rules_text), d),
                         HMMM_OK);
        ((hm_rule *)rs->rules.items[2])->disabled = 1;
        hmmm_ruleset_set_jit(rs, jit);
        assert_int_equal(hmmm_ruleset_compile(rs, d), HMMM_OK);
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            hmmm_result *res = check(rs, cases[i].doc, HMMM_TEXT);
            if (hmmm_result_count(res) != cases[i].n) {
                print_error("case %zu: %zu findings, not %zu\n", i, hmmm_result_count(res),
                            cases[i].n);
                fail();
            }
            if (cases[i].n)
                assert_int_equal(hmmm_result_get(res, 0)->offset, cases[i].first);
            hmmm_result_free(res);
        }
        hmmm_diags_free(d);
        hmmm_ruleset_free(rs);
    }
}

/* Text in UTF-16 or UTF-32 (told by its byte order mark) is refused with a
 * message that says so, not checked as UTF-8 nor skipped as binary. */
static void other_encodings_are_refused(void **state)
{
    (void)state;
    hmmm_ruleset *rs = rules(0);
    static const struct {
        const char *doc;
        size_t len;
        const char *name;
    } cases[] = {
        {"\xFF\xFEs\0u\0", 6, "UTF-16"},
        {"\xFE\xFF\0s\0u", 6, "UTF-16"},
        {"\xFF\xFE\0\0s\0\0\0", 8, "UTF-32"},
        {"\0\0\xFE\xFF\0\0\0s", 8, "UTF-32"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hmmm_result *res = NULL;
        assert_int_equal(hmmm_check(rs, cases[i].doc, cases[i].len, HMMM_TEXT, &res), HMMM_OK);
        assert_int_equal(hmmm_result_count(res), 0);
        assert_false(hmmm_result_binary(res));
        assert_int_equal(hmmm_result_error_count(res), 1);
        assert_non_null(strstr(hmmm_result_error(res, 0), cases[i].name));
        hmmm_result_free(res);
    }
    hmmm_ruleset_free(rs);
}

static void markdown_positions(void **state)
{
    (void)state;
    hmmm_ruleset *rs = rules(0);
    const char *doc = "# Title\n\n- we *empower*\n  service\n  **users**\n\n`service users`\n";
    hmmm_result *res = check(rs, doc, HMMM_MARKDOWN);
    assert_int_equal(hmmm_result_count(res), 2);
    const hmmm_finding *e = hmmm_result_get(res, 0), *s = hmmm_result_get(res, 1);
    assert_int_equal(e->line, 3);
    assert_int_equal(e->column, 7);
    assert_int_equal(e->end_column, 14);
    assert_int_equal(s->line, 4);
    assert_int_equal(s->column, 3);
    assert_int_equal(s->end_line, 5);
    assert_int_equal(s->end_column, 10);
    assert_string_equal(s->match, "service users");
    hmmm_result_free(res);
    hmmm_ruleset_free(rs);
}

static void directives(void **state)
{
    (void)state;
    hmmm_ruleset *rs = rules(0);
    const char *doc = "empower\n<!-- hmmm off -->\nempower service users\n<!-- hmmm on -->\n"
                      "empower\n<!-- hmmm off t.su -->\nempower service users\n"
                      "<!-- hmmm ignore-next-line -->\nempower\nempower\n";
    hmmm_result *res = check(rs, doc, HMMM_TEXT);
    unsigned lines[8];
    size_t n = hmmm_result_count(res);
    for (size_t i = 0; i < n && i < 8; i++)
        lines[i] = hmmm_result_get(res, i)->line;
    assert_int_equal(n, 4);
    assert_int_equal(lines[0], 1);
    assert_int_equal(lines[1], 5);
    assert_int_equal(lines[2], 7); /* empower only: su is off */
    assert_int_equal(lines[3], 10);
    assert_string_equal(hmmm_result_get(res, 2)->rule->id, "t.empower");
    hmmm_result_free(res);
    hmmm_ruleset_free(rs);
}

/* A directive that ends the text exactly: the scan for the next one stops
 * there (the text is copied to a buffer of its own size, so a read past it
 * shows under the sanitizers). */
static void directive_at_the_very_end(void **state)
{
    (void)state;
    hmmm_ruleset *rs = rules(0);
    static const char text[] = "empower service users <!-- hmmm off -->";
    char *doc = malloc(sizeof text - 1);
    assert_non_null(doc);
    memcpy(doc, text, sizeof text - 1);
    hmmm_result *res = NULL;
    assert_int_equal(hmmm_check(rs, doc, sizeof text - 1, HMMM_TEXT, &res), HMMM_OK);
    assert_int_equal(hmmm_result_count(res), 2);
    hmmm_result_free(res);
    free(doc);
    hmmm_ruleset_free(rs);
}

static void directives_in_markdown_code_are_not_honoured(void **state)
{
    (void)state;
    hmmm_ruleset *rs = rules(0);
    const char *doc = "```\n<!-- hmmm off -->\n```\n\nempower\n";
    hmmm_result *res = check(rs, doc, HMMM_MARKDOWN);
    assert_int_equal(hmmm_result_count(res), 1);
    hmmm_result_free(res);
    hmmm_ruleset_free(rs);
}

/* A preceded-by phrase is looked for only as far back as its words and the
 * gap allow: words beyond ASCII and runs of punctuation in between must
 * not shorten that reach. */
static void preceded_by_reaches_across_any_words(void **state)
{
    (void)state;
    const char *y = "pack: p\nrules:\n  - id: r\n    words: [impact]\n    message: m\n"
                    "    context:\n      preceded-by: [will, \"won't\"]\n      gap: 2\n";
    hmmm_ruleset *rs = load(y);
    static const struct {
        const char *text;
        size_t found;
    } cases[] = {
        {"It will impact us.", 1},
        {"It will \xE2\x80\x94 \xE2\x80\x94 \xE2\x80\x94 \xE2\x80\x94 \xE2\x80\x94 \xE2\x80\x94 "
         "greatly impact us.",
         1},
        {"It will \xCE\xB6\xCF\x89\xCE\xAE \xCE\xB6\xCF\x89\xCE\xAE impact us.", 1},
        {"It won\xE2\x80\x99t sorely impact us.", 1},
        {"It won't sorely impact us.", 1},
        {"It will a b c impact us.", 0},
        {"It will. Then impact.", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hmmm_result *res = check(rs, cases[i].text, HMMM_TEXT);
        if (hmmm_result_count(res) != cases[i].found) {
            print_error("%s: %zu findings, not %zu\n", cases[i].text, hmmm_result_count(res),
                        cases[i].found);
            fail();
        }
        hmmm_result_free(res);
    }
    hmmm_ruleset_free(rs);
}

static void binary_is_skipped(void **state)
{
    (void)state;
    hmmm_ruleset *rs = rules(0);
    hmmm_result *res = NULL;
    const char doc[] = "empower\0\1\2";
    assert_int_equal(hmmm_check(rs, doc, sizeof doc, HMMM_TEXT, &res), HMMM_OK);
    assert_true(hmmm_result_binary(res));
    assert_int_equal(hmmm_result_count(res), 0);
    hmmm_result_free(res);
    hmmm_ruleset_free(rs);
}

static void invalid_utf8_is_checked_around(void **state)
{
    (void)state;
    hmmm_ruleset *rs = rules(0);
    hmmm_result *res = check(rs, "\xFF\xFE service users \xC3 empower", HMMM_TEXT);
    assert_int_equal(hmmm_result_count(res), 2);
    assert_int_equal(hmmm_result_get(res, 0)->column, 4);
    hmmm_result_free(res);
    hmmm_ruleset_free(rs);
}

static void runaway_pattern_is_stopped(void **state)
{
    (void)state;
    hmmm_ruleset *rs = rules(1);
    hm_buf b = {0};
    hm_buf_adds(&b, "service users ");
    for (int i = 0; i < 5000; i++)
        hm_buf_addc(&b, 'a');
    hm_buf_addc(&b, '!');
    hmmm_result *res = NULL;
    assert_int_equal(hmmm_check(rs, b.data, b.len, HMMM_TEXT, &res), HMMM_ELIMIT);
    assert_int_equal(hmmm_result_error_count(res), 1);
    assert_non_null(strstr(hmmm_result_error(res, 0), "t.runaway"));
    assert_int_equal(hmmm_result_count(res), 1); /* the other rules still ran */
    hmmm_result_free(res);
    hmmm_ruleset_free(rs);
    hm_buf_free(&b);
}

static void survives_every_failed_allocation(void **state)
{
    (void)state;
    hmmm_ruleset *rs = rules(0);
    const char *doc = "# T\n\nempower *service* users <!-- hmmm off t.su --> service users\n\n"
                      "- empower\n- service\n  users\n\nthe end: empowered\n";
    /* In one go, and a window after every block. */
    for (size_t every = 0; every < 2; every++) {
        for (size_t n = 1;; n++) {
            hmmm_result *res = NULL;
            hm_alloc_fail_at(n);
            hmmm_status st =
                hm_check_windowed(rs, doc, strlen(doc), HMMM_MARKDOWN, 0, every, 16, &res);
            size_t made = hm_alloc_fail_at(0);
            if (made < n) {
                assert_int_equal(st, HMMM_OK);
                assert_int_equal(hmmm_result_count(res), 4);
                hmmm_result_free(res);
                break;
            }
            assert_int_equal(st, HMMM_ENOMEM);
            assert_null(res);
        }
    }
    hmmm_ruleset_free(rs);
}

static size_t count(const hmmm_ruleset *rs, const char *doc)
{
    hmmm_result *res = check(rs, doc, HMMM_TEXT);
    size_t n = hmmm_result_count(res);
    hmmm_result_free(res);
    return n;
}

static void context_followed_and_preceded(void **state)
{
    (void)state;
    hmmm_ruleset *rs = load("pack: c\nrules:\n  - id: d\n    words: [deliver]\n    message: m\n"
                            "    context:\n      not-followed-by: [services]\n"
                            "      not-preceded-by: [to]\n      gap: 1\n");
    assert_int_equal(count(rs, "We deliver improvements"), 1);
    assert_int_equal(count(rs, "We deliver services"), 0);
    assert_int_equal(count(rs, "We deliver good services"), 0);        /* one word between */
    assert_int_equal(count(rs, "We deliver really good services"), 1); /* two: past the gap */
    assert_int_equal(count(rs, "We deliver. Services follow"), 1);     /* not across a sentence */
    assert_int_equal(count(rs, "hard to deliver"), 0);
    assert_int_equal(count(rs, "to. deliver"), 1);
    hmmm_ruleset_free(rs);
}

static void context_near(void **state)
{
    (void)state;
    hmmm_ruleset *rs = load("pack: c\nrules:\n  - id: u\n    words: [users]\n    message: m\n"
                            "    context:\n      near: [care]\n      window: 3\n");
    assert_int_equal(count(rs, "users of social care"), 1);
    assert_int_equal(count(rs, "care for users"), 1);
    assert_int_equal(count(rs, "users of the new website about care"), 0);
    assert_int_equal(count(rs, "care\n\nusers"), 0); /* not across a blank line */
    hmmm_ruleset_free(rs);
}

static void mentions_are_skipped_unless_asked(void **state)
{
    (void)state;
    hmmm_ruleset *rs = rules(0);
    const char *doc = "the word 'empower' and an 'empowered' team, 'empower' staff";
    hmmm_result *res = NULL;
    assert_int_equal(hmmm_check(rs, doc, strlen(doc), HMMM_TEXT, &res), HMMM_OK);
    /* A quoted word that goes on to describe a noun is used, not mentioned. */
    assert_int_equal(hmmm_result_count(res), 2);
    assert_int_equal(hmmm_result_get(res, 0)->offset, 27);
    assert_int_equal(hmmm_result_get(res, 1)->offset, 45);
    hmmm_result_free(res);
    assert_int_equal(hmmm_check_with(rs, doc, strlen(doc), HMMM_TEXT, HMMM_CHECK_MENTIONS, &res),
                     HMMM_OK);
    assert_int_equal(hmmm_result_count(res), 3);
    assert_true(hmmm_result_get(res, 0)->mention);
    assert_false(hmmm_result_get(res, 2)->mention);
    hmmm_result_free(res);
    hmmm_ruleset_free(rs);
}

/* Rules whose checks look past a match, or far from it: across blank lines
 * and long gaps, to the end of the text, behind it, at what follows. */
static const char *const reaching_rules[] = {
    "  - id: phrase\n    words: [\"service user*\"]\n    exceptions: [service user "
    "research]\n    message: m\n",
    "  - id: gap\n    pattern: '\\bsign\\s+off\\b'\n    message: m\n",
    "  - id: end\n    pattern: '\\bthe\\s+end\\s*\\z'\n    message: m\n",
    "  - id: behind\n    pattern: '(?<=co-)production'\n    message: m\n",
    "  - id: lazy\n    pattern: '\\bgive\\s+(?:\\w+\\s+){0,3}?voice'\n    message: m\n",
    "  - id: cond\n    words: [deliver]\n    message: m\n"
    "    context:\n      not-followed-by: [services]\n",
    "  - id: empower\n    words: [\"empower*\"]\n    message: m\n",
};
#define N_REACHING (sizeof reaching_rules / sizeof reaching_rules[0])

/* The rules of reaching_rules: number ONLY alone, or all of them. */
static hmmm_ruleset *reaching(size_t only)
{
    hm_buf y = {0};
    hm_buf_adds(&y, "pack: w\nrules:\n");
    for (size_t i = 0; i < N_REACHING; i++)
        if (only == N_REACHING || only == i)
            hm_buf_adds(&y, reaching_rules[i]);
    hmmm_ruleset *rs = load(y.data);
    hm_buf_free(&y);
    return rs;
}

/* A document checked a window at a time gives what it gives in one go,
 * whatever the windows, with each rule alone (so that no other rule's wait
 * for more text hides one that should have waited) and with all. */
static void windows_change_nothing(void **state)
{
    (void)state;
    hm_buf doc = {0};
    for (int i = 0; i < 40; i++) {
        hm_buf_printf(&doc, "# Part %d\n\nThe service user research and service users.\n\n", i);
        hm_buf_adds(&doc, "We will sign");
        for (int k = 0; k < 30 * i; k++)
            hm_buf_adds(&doc, k % 7 ? " " : "\n\n");
        hm_buf_adds(&doc, "off the plan, and co-production, deliver\n\n");
        hm_buf_adds(&doc, "services or deliver &amp; give them a voice, the word 'empower'\n\n");
        hm_buf_adds(&doc, i % 3 ? "> quoted **service** *users*\n\n" : "bad \xFF bytes\n\n");
        hm_buf_adds(&doc, "- give\n- people more voice\n\n| a | b |\n|---|---|\n| deliver | "
                          "services |\n\n");
    }
    hm_buf_adds(&doc, "the end");
    static const size_t every[] = {1, 50, 333, 4096};
    for (size_t only = 0; only <= N_REACHING; only++) {
        hmmm_ruleset *rs = reaching(only);
        hmmm_result *whole = NULL;
        assert_int_equal(hm_check_windowed(rs, doc.data, doc.len, HMMM_MARKDOWN,
                                           HMMM_CHECK_MENTIONS, 0, 0, &whole),
                         HMMM_OK);
        /* Every rule finds something, so every kind of reach is tried. */
        assert_true(hmmm_result_count(whole) > 0);
        for (size_t w = 0; w < sizeof every / sizeof every[0]; w++) {
            hmmm_result *res = NULL;
            assert_int_equal(hm_check_windowed(rs, doc.data, doc.len, HMMM_MARKDOWN,
                                               HMMM_CHECK_MENTIONS, every[w], 16, &res),
                             HMMM_OK);
            assert_int_equal(hmmm_result_count(res), hmmm_result_count(whole));
            assert_int_equal(hmmm_result_words(res), hmmm_result_words(whole));
            for (size_t i = 0; i < hmmm_result_count(res); i++) {
                const hmmm_finding *a = hmmm_result_get(whole, i), *b = hmmm_result_get(res, i);
                assert_ptr_equal(a->rule, b->rule);
                assert_int_equal(a->offset, b->offset);
                assert_int_equal(a->length, b->length);
                assert_int_equal(a->mention, b->mention);
                assert_string_equal(a->match, b->match);
            }
            hmmm_result_free(res);
        }
        hmmm_result_free(whole);
        hmmm_ruleset_free(rs);
    }
    hm_buf_free(&doc);
}

/* A long document repeats the same few findings thousands of times: each
 * keeps its own place, but the words matched and the message with them in
 * are kept once, and shared. Different words get their own message. */
static void repeated_findings_share_their_words(void **state)
{
    (void)state;
    hmmm_ruleset *rs = load("pack: x\nrules:\n"
                            "  - id: su\n    words: [\"service user*\"]\n"
                            "    message: \"'{match}' casts people as recipients\"\n");
    hm_buf b = {0};
    for (int i = 0; i < 3000; i++)
        assert_int_equal(hm_buf_adds(&b, i % 3 == 2 ? "A Service User, then\n\n"
                                                    : "we met service   users today.\n\n"),
                         0);
    for (size_t every = 0; every < 2; every++) {
        hmmm_result *res = NULL;
        assert_int_equal(hm_check_windowed(rs, b.data, b.len, HMMM_MARKDOWN, 0, every * 4096,
                                           HM_WINDOW_KEEP, &res),
                         HMMM_OK);
        assert_int_equal(hmmm_result_count(res), 3000);
        const hmmm_finding *first = hmmm_result_get(res, 0), *third = hmmm_result_get(res, 2);
        assert_string_equal(first->match, "service users");
        assert_string_equal(first->message, "'service users' casts people as recipients");
        assert_string_equal(third->match, "Service User");
        assert_string_equal(third->message, "'Service User' casts people as recipients");
        for (size_t i = 0; i < 3000; i++) {
            const hmmm_finding *f = hmmm_result_get(res, i);
            const hmmm_finding *like = i % 3 == 2 ? third : first;
            assert_int_equal(f->line, 2 * i + 1);
            assert_ptr_equal(f->match, like->match);
            assert_ptr_equal(f->message, like->message);
        }
        hmmm_result_free(res);
    }
    hm_buf_free(&b);
    hmmm_ruleset_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(finding_fields),
        cmocka_unit_test(document_order_and_levels),
        cmocka_unit_test(exceptions_drop_matches_inside_them),
        cmocka_unit_test(exceptions_reach_back_their_own_length),
        cmocka_unit_test(threads_compile_rules_as_they_need_them),
        cmocka_unit_test(bad_bytes_split_the_text),
        cmocka_unit_test(other_encodings_are_refused),
        cmocka_unit_test(markdown_positions),
        cmocka_unit_test(directives),
        cmocka_unit_test(directive_at_the_very_end),
        cmocka_unit_test(directives_in_markdown_code_are_not_honoured),
        cmocka_unit_test(preceded_by_reaches_across_any_words),
        cmocka_unit_test(binary_is_skipped),
        cmocka_unit_test(invalid_utf8_is_checked_around),
        cmocka_unit_test(busy_rules_get_machine_code),
        cmocka_unit_test(jit_off_stays_off),
        cmocka_unit_test(runaway_pattern_is_stopped),
        cmocka_unit_test(survives_every_failed_allocation),
        cmocka_unit_test(context_followed_and_preceded),
        cmocka_unit_test(context_near),
        cmocka_unit_test(mentions_are_skipped_unless_asked),
        cmocka_unit_test(windows_change_nothing),
        cmocka_unit_test(repeated_findings_share_their_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
