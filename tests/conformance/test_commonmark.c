/* CommonMark conformance: hmmm checks exactly the words CommonMark renders
 * as prose.
 *
 * For each example of the CommonMark 0.31.2 specification (a JSON file of
 * {example, section, markdown, html}, given as the first argument or in
 * HMMM_COMMONMARK_JSON) the prose words of the expected HTML are compared
 * with the words of the prose hmmm's Markdown stage hands to the rules.
 *
 * Prose of the expected HTML: the text of paragraphs, headings, tight list
 * items and image descriptions (alt), entities decoded. Not prose: code
 * blocks and code spans, tags and attribute values, autolinks (a link whose
 * text is its destination), and raw HTML blocks (which the HTML shows as
 * they were written: they are recognised as what stands between the blocks
 * a CommonMark renderer writes, each on its own line).
 *
 * Words are maximal runs of ASCII letters and digits and bytes >= 0x80
 * (so Unicode letters too); U+FFFC, which hmmm puts for code, separates.
 * Inline tags such as <em> and <a> do not split a word, as they do not in
 * the rendered text; block boundaries, <br />, code and images' edges do
 * as they should.
 *
 * The two word sequences must be equal. An example that differs must be
 * listed: in allowed[] when the difference comes from a GitHub extension
 * hmmm enables on purpose (or its YAML front matter), in known_bugs[] when
 * it is a fault of hmmm's Markdown stage still to be fixed. A listed
 * example that agrees fails the test too, so the lists stay honest.
 * With HMMM_COMMONMARK_DUMP set, every example's two word lists are
 * printed as "dump<TAB>number<TAB>expected<TAB>hmmm" lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "internal.h"

typedef struct listed {
    int example;
    const char *reason;
} listed;

/* Differences hmmm means to have: the GitHub extensions it enables
 * (MD_DIALECT_GITHUB: tables, strikethrough, task lists, permissive
 * www./URL/e-mail autolinks) and YAML front matter, which it skips. */
static const listed allowed[] = {
    {96, "front matter: '---' on the first line up to the next '---' is YAML front matter to "
         "hmmm, so 'Foo' is skipped; to CommonMark it is a thematic break and a setext heading"},
    {610, "GFM permissive autolink: 'https://foo.bar' in '< https://foo.bar >' is a URL, not "
          "prose"},
    {613, "GFM permissive autolink: the bare URL 'https://example.com' is not prose"},
    {614, "GFM permissive autolink: the bare e-mail address 'foo@bar.example.com' is not prose"},
    {0, NULL},
};

/* Faults of hmmm's Markdown stage (src/markup.c and the md4c it uses), to
 * be fixed there. */
static const listed known_bugs[] = {
    {173, "md4c 0.4.8 predates spec 0.30: <textarea> does not start a type-1 HTML block, so "
          "the block ends at the first blank line and '*foo*' and '_bar_' inside it are checked"},
    {356,
     "md4c 0.4.8 predates spec 0.31: Unicode symbols (£ € 𞋿) do not count as punctuation "
     "for emphasis, so '*£*bravo' becomes emphasis and '£' runs into 'bravo'"},
    {627, "md4c 0.4.8 predates spec 0.31: an HTML comment may contain '--', but md4c does not "
          "see '<!-- this is a --\\ncomment - with hyphens -->' as one, so its words are checked"},
    {0, NULL},
};

static const char *json_path;

/* ---- a growing string -------------------------------------------------- */

typedef struct sbuf {
    char *d;
    size_t n, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *d = realloc(b->d, cap);
        assert_non_null(d);
        b->d = d;
        b->cap = cap;
    }
    if (n)
        memcpy(b->d + b->n, s, n);
    b->n += n;
    b->d[b->n] = '\0';
}

static void sb_addc(sbuf *b, char c)
{
    sb_add(b, &c, 1);
}

static void sb_cp(sbuf *b, unsigned long cp)
{
    char u[4];
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    if (cp < 0x80) {
        sb_addc(b, (char)cp);
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        sb_add(b, u, 2);
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        sb_add(b, u, 3);
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        sb_add(b, u, 4);
    }
}

static void sb_free(sbuf *b)
{
    free(b->d);
    memset(b, 0, sizeof *b);
}

/* ---- words ------------------------------------------------------------- */

static int is_word_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c >= 0x80;
}

/* Appends the words of S to OUT, one space before each. */
static void words(sbuf *out, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (n - i >= 3 && !memcmp(s + i, "\xEF\xBF\xBC", 3)) { /* U+FFFC */
            i += 3;
            continue;
        }
        if (!is_word_byte((unsigned char)s[i])) {
            i++;
            continue;
        }
        size_t start = i;
        while (i < n && is_word_byte((unsigned char)s[i]) &&
               !(n - i >= 3 && !memcmp(s + i, "\xEF\xBF\xBC", 3)))
            i++;
        sb_addc(out, ' ');
        sb_add(out, s + start, i - start);
    }
}

/* ---- the prose of the expected HTML ------------------------------------ */

static int starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Decodes the entity at S (which starts with '&') into OUT; returns the
 * length read. The CommonMark renderer writes only these and numeric
 * ones; anything else is kept as it is. */
static size_t entity(sbuf *out, const char *s)
{
    static const struct {
        const char *name;
        unsigned long cp;
    } names[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        if (starts(s, names[k].name)) {
            sb_cp(out, names[k].cp);
            return strlen(names[k].name);
        }
    }
    if (s[1] == '#') {
        int hex = s[2] == 'x' || s[2] == 'X';
        char *end;
        unsigned long v = strtoul(s + 2 + hex, &end, hex ? 16 : 10);
        if (*end == ';' && end > s + 2 + hex) {
            sb_cp(out, v);
            return (size_t)(end + 1 - s);
        }
    }
    sb_addc(out, '&');
    return 1;
}

/* Appends the attribute value starting at S (just past the opening quote)
 * to OUT, entities decoded; returns the length read, up to the quote. */
static size_t attr_value(sbuf *out, const char *s)
{
    size_t i = 0;
    while (s[i] && s[i] != '"') {
        if (s[i] == '&')
            i += entity(out, s + i);
        else
            sb_addc(out, s[i++]);
    }
    return i;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decodes S in place. */
static void percent_decode(sbuf *s)
{
    size_t j = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (s->d[i] == '%' && i + 2 < s->n && hexval(s->d[i + 1]) >= 0 &&
            hexval(s->d[i + 2]) >= 0) {
            s->d[j++] = (char)(hexval(s->d[i + 1]) * 16 + hexval(s->d[i + 2]));
            i += 2;
        } else {
            s->d[j++] = s->d[i];
        }
    }
    s->n = j;
    if (s->d)
        s->d[j] = '\0';
}

/* Length of the tag, comment, processing instruction, declaration or
 * CDATA section at S (which starts with '<'), or 0 if there is none. */
static size_t markup_len(const char *s)
{
    const char *e = NULL;
    if (starts(s, "<!-->"))
        return 5;
    if (starts(s, "<!--->"))
        return 6;
    if (starts(s, "<!--")) {
        e = strstr(s + 4, "-->");
        return e ? (size_t)(e + 3 - s) : 0;
    }
    if (starts(s, "<?")) {
        e = strstr(s + 2, "?>");
        return e ? (size_t)(e + 2 - s) : 0;
    }
    if (starts(s, "<![CDATA[")) {
        e = strstr(s + 9, "]]>");
        return e ? (size_t)(e + 3 - s) : 0;
    }
    size_t i = 1;
    if (s[i] == '!' || s[i] == '/')
        i++;
    if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')))
        return 0;
    char quote = 0;
    for (; s[i]; i++) {
        if (quote) {
            if (s[i] == quote)
                quote = 0;
        } else if (s[i] == '"' || s[i] == '\'') {
            quote = s[i];
        } else if (s[i] == '>') {
            return i + 1;
        }
    }
    return 0;
}

/* Length of the block tag a CommonMark renderer writes at a line start, if
 * S starts with one. */
static size_t cm_block_tag(const char *s)
{
    static const char *const tags[] = {
        "<p>",   "<h1>", "<h2>",  "<h3>",         "<h4>",          "<h5>", "<h6>",  "<ul>",
        "</ul>", "<ol>", "</ol>", "<blockquote>", "</blockquote>", "<li>", "</li>", "<hr />"};
    for (size_t k = 0; k < sizeof tags / sizeof tags[0]; k++)
        if (starts(s, tags[k]))
            return strlen(tags[k]);
    if (starts(s, "<ol start=\"") || starts(s, "<pre><code")) {
        const char *e = strchr(s, '>');
        return e ? (size_t)(e + 1 - s) : 0;
    }
    return 0;
}

enum { M_NONE, M_INLINE, M_RAW, M_PRE };

/* Appends the prose of the expected HTML to OUT, with a blank line where
 * words must not run together. */
static void html_prose(sbuf *out, const char *h)
{
    int mode = M_NONE, code = 0, tight = 0, in_a = 0;
    char close[8] = "";
    size_t a_mark = 0;
    sbuf href = {0};
    size_t i = 0, n = strlen(h);
    while (i < n) {
        int line_start = i == 0 || h[i - 1] == '\n';
        size_t k;
        switch (mode) {
        case M_RAW:
            if (line_start && cm_block_tag(h + i)) {
                mode = M_NONE;
                continue;
            }
            i++;
            continue;
        case M_PRE:
            if (starts(h + i, "</code></pre>")) {
                i += 13;
                mode = M_NONE;
                continue;
            }
            i++;
            continue;
        case M_NONE:
            if (h[i] == ' ' || h[i] == '\n' || h[i] == '\t') {
                i++;
                continue;
            }
            sb_add(out, "\n\n", 2);
            if (starts(h + i, "<pre><code")) {
                i += cm_block_tag(h + i);
                mode = M_PRE;
            } else if (starts(h + i, "<p>")) {
                i += 3;
                mode = M_INLINE;
                tight = 0;
                strcpy(close, "</p>");
            } else if (h[i] == '<' && h[i + 1] == 'h' && h[i + 2] >= '1' && h[i + 2] <= '6' &&
                       h[i + 3] == '>') {
                mode = M_INLINE;
                tight = 0;
                snprintf(close, sizeof close, "</h%c>", h[i + 2]);
                i += 4;
            } else if (starts(h + i, "<li>")) {
                i += 4;
                if (h[i] != '\n' && !starts(h + i, "</li>")) {
                    mode = M_INLINE;
                    tight = 1;
                    strcpy(close, "</li>");
                }
            } else if ((k = cm_block_tag(h + i)) != 0) {
                i += k;
            } else if (h[i] == '<') {
                mode = M_RAW;
            } else {
                /* A tight list item's paragraph after another block. */
                mode = M_INLINE;
                tight = 1;
                strcpy(close, "</li>");
            }
            continue;
        default:
            break;
        }
        /* M_INLINE */
        if (starts(h + i, close) || (tight && line_start && cm_block_tag(h + i))) {
            if (starts(h + i, close))
                i += strlen(close);
            sb_add(out, "\n\n", 2);
            mode = M_NONE;
            code = 0;
            in_a = 0;
            continue;
        }
        if (h[i] == '&') {
            if (code)
                i++;
            else
                i += entity(out, h + i);
            continue;
        }
        if (h[i] != '<' || (k = markup_len(h + i)) == 0) {
            if (!code)
                sb_addc(out, h[i]);
            i++;
            continue;
        }
        if (starts(h + i, "<code>") || starts(h + i, "</code>") || starts(h + i, "<br />")) {
            if (h[i + 1] == 'c')
                code++;
            else if (h[i + 1] == '/')
                code = code > 0 ? code - 1 : 0;
            sb_addc(out, '\n');
        } else if (starts(h + i, "<img src=\"") && !code) {
            const char *alt = strstr(h + i, "\" alt=\"");
            if (alt && alt < h + i + k) {
                sb_addc(out, ' ');
                attr_value(out, alt + 7);
                sb_addc(out, ' ');
            }
        } else if (starts(h + i, "<a href=\"")) {
            href.n = 0;
            attr_value(&href, h + i + 9);
            percent_decode(&href);
            a_mark = out->n;
            in_a = 1;
        } else if (starts(h + i, "</a>") && in_a) {
            /* An autolink: its text is its destination. */
            size_t t = out->n - a_mark;
            const char *text = t ? out->d + a_mark : "";
            int autolink =
                t &&
                ((href.n == t && !memcmp(href.d, text, t)) ||
                 (href.n == t + 7 && starts(href.d, "mailto:") && !memcmp(href.d + 7, text, t)));
            if (autolink) {
                out->n = a_mark;
                out->d[out->n] = '\0';
                sb_addc(out, '\n');
            }
            in_a = 0;
        }
        i += k;
    }
    sb_free(&href);
}

/* ---- comparing --------------------------------------------------------- */

static const listed *find(const listed *list, int example)
{
    for (size_t k = 0; list[k].example; k++)
        if (list[k].example == example)
            return &list[k];
    return NULL;
}

/* Prints S with newlines and tabs escaped, as one line. */
static void print_escaped(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            printf("\\n");
        else if (s[i] == '\t')
            printf("\\t");
        else if (s[i] == '\0')
            printf("\\0");
        else
            putchar(s[i]);
    }
}

/* Prints the words of A (" w1 w2 ...") that B lacks, counting repeats;
 * returns how many. */
static int print_lacking(const char *label, const char *a, const char *b)
{
    size_t nb = strlen(b);
    char *used = calloc(nb + 1, 1);
    assert_non_null(used);
    int any = 0;
    printf("    %s:", label);
    const char *w = a;
    while (*w == ' ') {
        const char *e = strchr(w + 1, ' ');
        size_t len = e ? (size_t)(e - w - 1) : strlen(w + 1);
        int found = 0;
        for (const char *x = b; *x == ' ';) {
            const char *xe = strchr(x + 1, ' ');
            size_t xlen = xe ? (size_t)(xe - x - 1) : strlen(x + 1);
            size_t at = (size_t)(x - b);
            if (!used[at] && xlen == len && !memcmp(x + 1, w + 1, len)) {
                used[at] = 1;
                found = 1;
                break;
            }
            if (!xe)
                break;
            x = xe;
        }
        if (!found) {
            printf(" %.*s", (int)len, w + 1);
            any++;
        }
        if (!e)
            break;
        w = e;
    }
    printf("%s\n", any ? "" : " (none)");
    free(used);
    return any;
}

static void print_example(int num, const char *section, const char *md, size_t md_len,
                          const char *expected, const char *got)
{
    printf("  example %d (%s)\n    markdown: ", num, section);
    print_escaped(md, md_len);
    printf("\n    expected:%s\n    hmmm:    %s\n", expected, got);
    int missed = print_lacking("missed (prose hmmm does not check)", expected, got);
    int extra = print_lacking("false checks (not prose)", got, expected);
    if (!missed && !extra)
        printf("    the same words in another order\n");
}

static void commonmark_examples(void **state)
{
    (void)state;
    if (!json_path) {
        fail_msg("no CommonMark examples: pass the path of commonmark-0.31.2.json as the "
                 "first argument or in HMMM_COMMONMARK_JSON");
    }
    json_error_t err;
    json_t *root = json_load_file(json_path, JSON_ALLOW_NUL, &err);
    if (!root)
        fail_msg("cannot read the CommonMark examples %s: %s (line %d)", json_path, err.text,
                 err.line);
    assert_true(json_is_array(root));
    assert_true(json_array_size(root) > 0);

    int dump = getenv("HMMM_COMMONMARK_DUMP") != NULL;
    unsigned agree = 0, n_allowed = 0, bugs = 0, failed = 0, stale = 0;
    size_t idx;
    json_t *ex;
    json_array_foreach(root, idx, ex)
    {
        int num = (int)json_integer_value(json_object_get(ex, "example"));
        const char *section = json_string_value(json_object_get(ex, "section"));
        json_t *jmd = json_object_get(ex, "markdown");
        const char *md = json_string_value(jmd);
        const char *html = json_string_value(json_object_get(ex, "html"));
        if (!md || !html || !section || num <= 0)
            fail_msg("example at index %zu is malformed", idx);
        size_t md_len = json_string_length(jmd);

        sbuf prose = {0}, expected = {0}, got = {0};
        html_prose(&prose, html);
        words(&expected, prose.d ? prose.d : "", prose.n);
        hm_plain p;
        if (hm_markup_markdown(&p, md, md_len, 0) != 0)
            fail_msg("example %d: hm_markup_markdown failed", num);
        words(&got, p.text, p.len);
        hm_plain_free(&p);
        sb_add(&expected, "", 0);
        sb_add(&got, "", 0);

        int same = strcmp(expected.d, got.d) == 0;
        if (dump)
            printf("dump\t%d\t%s\t%s\n", num, expected.d, got.d);
        const listed *a = find(allowed, num);
        const listed *b = find(known_bugs, num);
        if (same && (a || b)) {
            printf("example %d now passes, remove from list %s\n", num,
                   a ? "allowed[]" : "known_bugs[]");
            stale++;
            agree++;
        } else if (same) {
            agree++;
        } else if (a) {
            printf("allowed: example %d: %s\n", num, a->reason);
            n_allowed++;
        } else if (b) {
            printf("known bug: example %d: %s\n", num, b->reason);
            print_example(num, section, md, md_len, expected.d, got.d);
            bugs++;
        } else {
            printf("FAILED: hmmm's prose differs from CommonMark's\n");
            print_example(num, section, md, md_len, expected.d, got.d);
            failed++;
        }
        sb_free(&prose);
        sb_free(&expected);
        sb_free(&got);
    }
    json_decref(root);
    printf("commonmark: %u agree, %u allowed (GFM, front matter), %u known bugs, %u failed", agree,
           n_allowed, bugs, failed);
    if (stale)
        printf(", %u listed but now agree", stale);
    printf("\n");
    fflush(stdout);
    if (failed)
        fail_msg("%u CommonMark examples differ and are not listed", failed);
    if (stale)
        fail_msg("%u listed CommonMark examples now agree: remove them from the lists", stale);
}

int main(int argc, char **argv)
{
    json_path = argc > 1 ? argv[1] : getenv("HMMM_COMMONMARK_JSON");
    /* Outside the project's workspace the examples may not be there: say
     * so and exit 77, which ctest reports as skipped (CI checks it ran). */
    if (json_path && access(json_path, R_OK) != 0) {
        fprintf(stderr, "the CommonMark examples are not at %s: not checked\n", json_path);
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(commonmark_examples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
