/* Unit tests for markup.c: the prose taken from a document, and the map
 * back to source offsets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

/* Whether WORD is in the prose of the Markdown document DOC. */
static int prose_has(const char *doc, const char *word)
{
    hm_plain p;
    assert_int_equal(hm_markup_markdown(&p, doc, strlen(doc), 1), 0);
    int found = memmem(p.text, p.len, word, strlen(word)) != NULL;
    hm_plain_free(&p);
    return found;
}

static void prose_is_kept(void **state)
{
    (void)state;
    assert_true(prose_has("# Heading word\n", "Heading word"));
    assert_true(prose_has("para *emph* text\n", "para emph text"));
    assert_true(prose_has("- item one\n- item two\n", "item two"));
    assert_true(prose_has("> quoted words\n", "quoted words"));
    assert_true(prose_has("| a | b |\n|---|---|\n| cell text | x |\n", "cell text"));
    assert_true(prose_has("see [link text](http://example.org/dest)\n", "link text"));
    assert_true(prose_has("a ![alt words](img.png) b\n", "alt words"));
}

static void link_text_that_ends_its_destination_is_kept(void **state)
{
    (void)state;
    assert_true(prose_has("see [guidance](/docs/guidance) now\n", "see guidance now"));
    assert_true(prose_has("ask [bob](mailto:bob.smith) now\n", "ask bob now"));
    assert_false(prose_has("write to <bob@example.org> now\n", "bob"));
    assert_false(prose_has("see [https://x.example](https://x.example) now\n", "example"));
}

static void every_named_entity_is_decoded(void **state)
{
    (void)state;
    assert_true(prose_has("&HilbertSpace; &frac34; &AElig;\n", "\xE2\x84\x8B \xC2\xBE \xC3\x86"));
    assert_true(prose_has("&nosuchentity; stays\n", "&nosuchentity; stays"));
}

static void code_html_and_destinations_are_not(void **state)
{
    (void)state;
    assert_false(prose_has("```\nfenced words\n```\n", "fenced"));
    assert_false(prose_has("para\n\n    indented words\n", "indented"));
    assert_false(prose_has("a `inline words` b\n", "inline"));
    assert_false(prose_has("<div>\nhtml words\n</div>\n", "html words"));
    assert_false(prose_has("a <span title=\"attr words\">x</span>\n", "attr"));
    assert_false(prose_has("[x](http://dest.example/words)\n", "dest"));
    assert_false(prose_has("<https://auto.example/words>\n", "auto"));
    assert_false(prose_has("see www.bare.example now\n", "bare"));
    assert_false(prose_has("---\ntitle: front words\n---\nbody\n", "front"));
    assert_true(prose_has("---\ntitle: front words\n---\nbody\n", "body"));
}

static void blocks_and_code_break_phrases(void **state)
{
    (void)state;
    hm_plain p;
    const char *doc = "one\n\ntwo `x` three\n";
    assert_int_equal(hm_markup_markdown(&p, doc, strlen(doc), 1), 0);
    assert_non_null(memmem(p.text, p.len, "one\n\ntwo", 8));
    assert_non_null(memmem(p.text, p.len, "two \xEF\xBF\xBC three", 13));
    hm_plain_free(&p);
}

static void offsets_map_back(void **state)
{
    (void)state;
    const char *doc = "> We asked service\n> *users* here\n";
    hm_plain p;
    assert_int_equal(hm_markup_markdown(&p, doc, strlen(doc), 1), 0);
    const char *hit = memmem(p.text, p.len, "service\nusers", 13);
    assert_non_null(hit);
    size_t start = (size_t)(hit - p.text), end = start + 13;
    assert_int_equal(hm_plain_to_src(&p, start, 0), 11);
    assert_int_equal(hm_plain_to_src(&p, end, 1), 27); /* just past "users" */
    hm_plain_free(&p);
}

/* Prose handed over as it grows: the text before a point can be let go,
 * and positions in the whole prose still map back to the source. */
static int dropped;

static int drop_half(void *ctx, hm_plain *p)
{
    (void)ctx;
    assert_ptr_equal(p->text, p->own.data);
    assert_int_equal(p->text[p->len - 1], '\n'); /* handed over at the end of a block */
    hm_plain_drop(p, p->len / 2);
    dropped++;
    return 0;
}

static void prose_can_be_let_go_as_it_grows(void **state)
{
    (void)state;
    const char *doc = "# Title\n\n> We asked service\n> *users* here\n\n- one &amp; two\n"
                      "- three\n\nThe last service users.\n";
    hm_plain whole, p;
    assert_int_equal(hm_markup_markdown(&whole, doc, strlen(doc), 1), 0);
    dropped = 0;
    assert_int_equal(hm_markup_markdown_flushing(&p, doc, strlen(doc), 1, 1, drop_half, NULL), 0);
    assert_true(dropped > 3);
    assert_true(p.origin > 0);
    /* What is left is the end of the whole prose, and maps the same. */
    assert_int_equal(p.origin + p.len, whole.len);
    assert_memory_equal(p.text, whole.text + p.origin, p.len);
    for (size_t i = p.origin; i <= whole.len; i++) {
        assert_int_equal(hm_plain_to_src(&p, i, 0), hm_plain_to_src(&whole, i, 0));
        assert_int_equal(hm_plain_to_src(&p, i, 1), hm_plain_to_src(&whole, i, 1));
    }
    hm_plain_free(&p);
    hm_plain_free(&whole);
}

static int refuse(void *ctx, hm_plain *p)
{
    (void)ctx;
    (void)p;
    return -1;
}

static void a_failed_hand_over_stops_the_parse(void **state)
{
    (void)state;
    const char *doc = "one\n\ntwo\n\nthree\n";
    hm_plain p;
    assert_int_equal(hm_markup_markdown_flushing(&p, doc, strlen(doc), 1, 1, refuse, NULL), -1);
}

static void entities_are_decoded_and_mapped(void **state)
{
    (void)state;
    const char *doc = "people&rsquo;s voice &amp; more\n";
    hm_plain p;
    assert_int_equal(hm_markup_markdown(&p, doc, strlen(doc), 1), 0);
    const char *hit = memmem(p.text, p.len, "people\xE2\x80\x99s voice", 16);
    assert_non_null(hit);
    size_t start = (size_t)(hit - p.text);
    assert_int_equal(hm_plain_to_src(&p, start + 16, 1), 20);
    assert_non_null(memmem(p.text, p.len, "voice & more", 12));
    hm_plain_free(&p);
}

static void html_comments_are_recorded(void **state)
{
    (void)state;
    const char *doc = "<!-- hmmm off -->\n\ntext <!-- inline --> more\n";
    hm_plain p;
    assert_int_equal(hm_markup_markdown(&p, doc, strlen(doc), 1), 0);
    assert_true(p.n_html >= 2);
    assert_int_equal(p.html[0].start, 0);
    hm_plain_free(&p);
}

/* HTML: what a reader sees is the prose, blocks apart, inline elements
 * joined, entities decoded and mapped back; code and scripts are not. */
static void html_visible_text_is_the_prose(void **state)
{
    (void)state;
    const char *doc = "<title>The plan</title><script>var hidden = 1;</script>"
                      "<style>p{}</style><p>We asked service <em>users</em> &amp; carers."
                      "</p><pre>in pre</pre><p><code>in code</code> then "
                      "<img alt=\"an image\" src=\"x.png\"></p><p title=\"a title\">x</p>"
                      "<ul><li>one</li><li>two</li></ul><!-- hmmm off -->";
    hm_plain p;
    assert_int_equal(hm_markup_html(&p, doc, strlen(doc)), 0);
    char *text = strndup(p.text, p.len);
    assert_non_null(strstr(text, "The plan"));
    assert_non_null(strstr(text, "We asked service users & carers."));
    assert_null(strstr(text, "hidden"));
    assert_null(strstr(text, "p{}"));
    assert_null(strstr(text, "in pre"));
    assert_null(strstr(text, "in code"));
    assert_non_null(strstr(text, "an image"));
    assert_non_null(strstr(text, "a title"));
    assert_null(strstr(text, "onetwo"));
    assert_non_null(strstr(text, "one\n\ntwo"));
    /* "users" maps to its place in the source, "&amp;" to all five bytes. */
    size_t at = (size_t)(strstr(text, "users") - text);
    assert_int_equal(hm_plain_to_src(&p, at, 0), (size_t)(strstr(doc, "users") - doc));
    size_t amp = (size_t)(strstr(text, "& carers") - text);
    assert_int_equal(hm_plain_to_src(&p, amp, 0), (size_t)(strstr(doc, "&amp;") - doc));
    assert_int_equal(hm_plain_to_src(&p, amp + 1, 1), (size_t)(strstr(doc, "&amp;") - doc) + 5);
    assert_int_equal(p.n_html, 1);
    free(text);
    hm_plain_free(&p);
}

/* 100,000 nested elements: no recursion to run out of stack. */
static void html_deep_nesting(void **state)
{
    (void)state;
    hm_buf b = {0};
    for (int i = 0; i < 100000; i++)
        hm_buf_adds(&b, "<span>");
    hm_buf_adds(&b, "deep words");
    hm_plain p;
    assert_int_equal(hm_markup_html(&p, b.data, b.len), 0);
    assert_non_null(memmem(p.text, p.len, "deep words", 10));
    hm_plain_free(&p);
    hm_buf_free(&b);
}

static void text_is_identity_after_bom(void **state)
{
    (void)state;
    const char *doc = "\xEF\xBB\xBFservice users";
    hm_plain p;
    assert_int_equal(hm_markup_text(&p, doc, strlen(doc)), 0);
    assert_int_equal(p.len, 13);
    assert_int_equal(hm_plain_to_src(&p, 0, 0), 3);
    assert_true(p.all_html);
    hm_plain_free(&p);
}

/* Thousands of nested quotes, a thousand list levels: parsed, the prose found, no
 * stack exhausted. */
static void deep_nesting(void **state)
{
    (void)state;
    hm_buf b = {0};
    for (int i = 0; i < 5000; i++)
        assert_int_equal(hm_buf_adds(&b, "> "), 0);
    assert_int_equal(hm_buf_adds(&b, "service users\n\n"), 0);
    for (int i = 0; i < 1000; i++) {
        for (int k = 0; k < i; k++)
            assert_int_equal(hm_buf_adds(&b, "  "), 0);
        assert_int_equal(hm_buf_adds(&b, "- item\n"), 0);
    }
    assert_int_equal(hm_buf_adds(&b, "empower\n"), 0);
    hm_plain p;
    assert_int_equal(hm_markup_markdown(&p, b.data, b.len, 1), 0);
    assert_non_null(strstr(p.text, "service users"));
    assert_non_null(strstr(p.text, "empower"));
    hm_plain_free(&p);
    hm_buf_free(&b);
}

/* md4c reads one byte past a link destination left open at the very end;
 * a buffer without a byte to spare is parsed from a copy that has one
 * (valgrind, in CI, sees any read past this exact-size block). */
static void unterminated_documents_are_safe(void **state)
{
    (void)state;
    static const char doc[] = "see [our plan](http:";
    size_t n = sizeof doc - 1;
    char *exact = malloc(n);
    assert_non_null(exact);
    memcpy(exact, doc, n);
    hm_plain p;
    assert_int_equal(hm_markup_markdown(&p, exact, n, 0), 0);
    assert_non_null(strstr(p.text, "our plan"));
    assert_int_equal(hm_plain_to_src(&p, (size_t)(strstr(p.text, "plan") - p.text), 0), 9);
    hm_plain_free(&p);
    free(exact);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unterminated_documents_are_safe),
        cmocka_unit_test(deep_nesting),
        cmocka_unit_test(prose_is_kept),
        cmocka_unit_test(code_html_and_destinations_are_not),
        cmocka_unit_test(link_text_that_ends_its_destination_is_kept),
        cmocka_unit_test(every_named_entity_is_decoded),
        cmocka_unit_test(blocks_and_code_break_phrases),
        cmocka_unit_test(offsets_map_back),
        cmocka_unit_test(entities_are_decoded_and_mapped),
        cmocka_unit_test(prose_can_be_let_go_as_it_grows),
        cmocka_unit_test(a_failed_hand_over_stops_the_parse),
        cmocka_unit_test(html_comments_are_recorded),
        cmocka_unit_test(text_is_identity_after_bom),
        cmocka_unit_test(html_visible_text_is_the_prose),
        cmocka_unit_test(html_deep_nesting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
