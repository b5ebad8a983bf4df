/* markup.c - turns a document into the prose to check, and remembers where
 * each piece of that prose came from so findings map back to the source.
 *
 * Plain text is checked as it is. Markdown goes through md4c: the text of
 * paragraphs, headings, list items, quotes, table cells, links and image
 * descriptions is kept; code, HTML, link destinations and autolinks are not.
 * md4c hands over normal text as pointers into our buffer, so its offset is
 * the pointer difference; text it makes up (soft breaks, entities) is mapped
 * to where it stands in the source. Blocks are separated by a blank line, so
 * no phrase is found across two of them; code in the middle of a sentence
 * becomes U+FFFC, which no phrase matches across. */
#include <gumbo.h>
#include <md4c.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define OBJECT_MARK "\xEF\xBF\xBC" /* U+FFFC */

static int add_seg(hm_plain *p, size_t plain, size_t plain_len, size_t src, size_t src_len)
{
    plain += p->origin; /* segments count from the start of the whole prose */
    if (p->n_segs) {
        hm_seg *last = &p->segs[p->n_segs - 1];
        /* Join with the previous run when both are contiguous copies. */
        if (last->plain + last->plain_len == plain && last->src + last->src_len == src &&
            last->plain_len == last->src_len && plain_len == src_len) {
            last->plain_len += plain_len;
            last->src_len += src_len;
            return 0;
        }
    }
    if (hm_grow((void **)&p->segs, &p->cap_segs, p->n_segs + 1, sizeof(hm_seg)) < 0)
        return -1;
    p->segs[p->n_segs++] =
        (hm_seg){(uint32_t)plain, (uint32_t)plain_len, (uint32_t)src, (uint32_t)src_len};
    return 0;
}

static int add_html(hm_plain *p, size_t start, size_t end)
{
    if (p->n_html && p->html[p->n_html - 1].end == start) {
        p->html[p->n_html - 1].end = end;
        return 0;
    }
    if (p->n_html == p->cap_html) {
        size_t cap = p->cap_html ? p->cap_html * 2 : 16;
        hm_range *r = hm_realloc(p->html, cap * sizeof *r);
        if (!r)
            return -1;
        p->html = r;
        p->cap_html = cap;
    }
    p->html[p->n_html++] = (hm_range){start, end};
    return 0;
}

void hm_plain_free(hm_plain *p)
{
    hm_buf_free(&p->own);
    hm_free(p->segs);
    hm_free(p->html);
    memset(p, 0, sizeof *p);
}

static size_t bom_len(const char *data, size_t len)
{
    if (len >= 3 && (unsigned char)data[0] == 0xEF && (unsigned char)data[1] == 0xBB &&
        (unsigned char)data[2] == 0xBF)
        return 3;
    return 0;
}

int hm_markup_text(hm_plain *p, const char *data, size_t len)
{
    memset(p, 0, sizeof *p);
    p->base = bom_len(data, len);
    p->text = data + p->base;
    p->len = len - p->base;
    p->all_html = 1;
    return 0;
}

int hm_markup_lines(hm_plain *p, const char *data, size_t len)
{
    memset(p, 0, sizeof *p);
    /* Each line feed becomes a blank line, which ends a phrase. */
    if (hm_buf_grow(&p->own, len + len / 16 + 64) < 0)
        return -1;
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(data + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - data) : len;
        size_t at = p->own.len;
        if (end > i &&
            (hm_buf_add(&p->own, data + i, end - i) < 0 || add_seg(p, at, end - i, i, end - i) < 0))
            goto fail;
        if (!nl)
            break;
        at = p->own.len;
        if (hm_buf_add(&p->own, "\n\n", 2) < 0 || add_seg(p, at, 2, end, 1) < 0)
            goto fail;
        i = end + 1;
    }
    p->text = p->own.data;
    p->len = p->own.len;
    return 0;
fail:
    hm_plain_free(p);
    return -1;
}

void hm_plain_drop(hm_plain *p, size_t from)
{
    if (from == 0 || from > p->own.len)
        return;
    memmove(p->own.data, p->own.data + from, p->own.len - from);
    p->own.len -= from;
    p->own.data[p->own.len] = '\0';
    p->origin += from;
    p->text = p->own.data;
    p->len = p->own.len;
    /* Keep the segment the new start lies in: a position maps through the
     * last segment that starts at or before it. */
    size_t keep = 0;
    while (keep + 1 < p->n_segs && p->segs[keep + 1].plain <= p->origin)
        keep++;
    if (keep) {
        memmove(p->segs, p->segs + keep, (p->n_segs - keep) * sizeof *p->segs);
        p->n_segs -= keep;
    }
}

size_t hm_plain_to_src(const hm_plain *p, size_t pos, int is_end)
{
    if (!p->n_segs)
        return p->base + pos;
    size_t key = is_end && pos > 0 ? pos - 1 : pos;
    size_t lo = 0, hi = p->n_segs;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->segs[mid].plain <= key)
            lo = mid;
        else
            hi = mid;
    }
    const hm_seg *s = &p->segs[lo];
    if (s->plain_len == s->src_len) {
        size_t d = pos - s->plain;
        if (d > s->src_len)
            d = s->src_len;
        return s->src + d;
    }
    return is_end ? s->src + s->src_len : s->src;
}

/* ---- Markdown ---------------------------------------------------------- */

typedef struct md_state {
    hm_plain *p;
    const char *doc;
    size_t len;
    size_t src_pos;   /* source offset just past the last text seen */
    int skip;         /* inside a code or HTML block */
    size_t link_mark; /* plain length when the innermost link opened */
    int failed;
    /* Hands the prose over once a block ends with EVERY more bytes of it
     * than at NEXT_FLUSH's last setting (see hm_markup_markdown_flushing). */
    hm_flush_fn flush;
    void *flush_ctx;
    size_t every, next_flush;
} md_state;

static int in_doc(const md_state *st, const MD_CHAR *text)
{
    return text >= st->doc && text < st->doc + st->len;
}

/* Ends the current block of P's prose, whose source has been read up to
 * SRC_POS: a blank line that no phrase matches across. */
static int blank_line(hm_plain *p, size_t src_pos)
{
    hm_buf *b = &p->own;
    if (b->len == 0 || (b->len >= 2 && b->data[b->len - 1] == '\n' && b->data[b->len - 2] == '\n'))
        return 0;
    size_t at = b->len;
    if (hm_buf_add(b, "\n\n", 2) < 0 || add_seg(p, at, 2, src_pos, 0) < 0)
        return -1;
    return 0;
}

static int block_break(md_state *st)
{
    return blank_line(st->p, st->src_pos);
}

/* Adds synthetic text standing at the current source position. */
static int add_made_up(md_state *st, const char *s, size_t n)
{
    size_t at = st->p->own.len;
    if (hm_buf_add(&st->p->own, s, n) < 0 || add_seg(st->p, at, n, st->src_pos, 0) < 0)
        return -1;
    return 0;
}

static int on_enter_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
    md_state *st = userdata;
    (void)detail;
    if (type == MD_BLOCK_CODE || type == MD_BLOCK_HTML)
        st->skip++;
    if (block_break(st) < 0) {
        st->failed = 1;
        return -1;
    }
    return 0;
}

static int on_leave_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
    md_state *st = userdata;
    hm_plain *p = st->p;
    (void)detail;
    if (type == MD_BLOCK_CODE || type == MD_BLOCK_HTML)
        st->skip--;
    if (block_break(st) < 0) {
        st->failed = 1;
        return -1;
    }
    if (st->flush && p->own.len >= st->next_flush) {
        p->text = p->own.data;
        p->len = p->own.len;
        if (st->flush(st->flush_ctx, p) < 0) {
            st->failed = 1;
            return -1;
        }
        st->next_flush = p->own.len + st->every;
    }
    return 0;
}

static int on_enter_span(MD_SPANTYPE type, void *detail, void *userdata)
{
    md_state *st = userdata;
    (void)detail;
    if (type == MD_SPAN_CODE && add_made_up(st, OBJECT_MARK, 3) < 0) {
        st->failed = 1;
        return -1;
    }
    if (type == MD_SPAN_A)
        st->link_mark = st->p->own.len;
    return 0;
}

/* Whether link text TEXT (N bytes) is just the link's destination, as in an
 * autolink: <https://x>, a bare www.x or https://x, or an e-mail address. */
static int is_autolink_text(const MD_ATTRIBUTE *href, const char *text, size_t n)
{
    static const char *const prefixes[] = {"", "mailto:", "http://", "https://"};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        size_t k = strlen(prefixes[i]);
        if (href->size == k + n && !memcmp(href->text, prefixes[i], k) &&
            !memcmp(href->text + k, text, n))
            return 1;
    }
    return 0;
}

/* An autolink's text is its destination: take it back out of the prose. */
static int drop_autolink(md_state *st, const MD_SPAN_A_DETAIL *a)
{
    hm_plain *p = st->p;
    size_t from = st->link_mark;
    if (from > p->own.len)
        return 0;
    size_t n = p->own.len - from;
    if (n == 0 || !is_autolink_text(&a->href, p->own.data + from, n))
        return 0;
    p->own.len = from;
    p->own.data[from] = '\0';
    size_t at = p->origin + from; /* the segments count from the whole prose's start */
    while (p->n_segs && p->segs[p->n_segs - 1].plain >= at)
        p->n_segs--;
    if (p->n_segs) {
        hm_seg *s = &p->segs[p->n_segs - 1];
        if (s->plain + s->plain_len > at) {
            size_t keep = at - s->plain;
            if (s->plain_len == s->src_len)
                s->src_len = keep;
            s->plain_len = keep;
        }
    }
    return add_made_up(st, OBJECT_MARK, 3);
}

static int on_leave_span(MD_SPANTYPE type, void *detail, void *userdata)
{
    md_state *st = userdata;
    if (type == MD_SPAN_A && drop_autolink(st, detail) < 0) {
        st->failed = 1;
        return -1;
    }
    return 0;
}

#include "entities.h"

/* Decodes an entity such as "&amp;", "&HilbertSpace;" or "&#8217;" into B;
 * one it does not know is kept as written. */
static int add_entity(hm_buf *b, const char *s, size_t n)
{
    if (n >= 4 && s[0] == '&' && s[n - 1] == ';') {
        if (s[1] == '#') {
            int hex = s[2] == 'x' || s[2] == 'X';
            unsigned long v = strtoul(s + 2 + hex, NULL, hex ? 16 : 10);
            if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
                v = 0xFFFD;
            return hm_buf_add_cp(b, (uint32_t)v);
        }
        const char *name = s + 1;
        size_t len = n - 2;
        size_t lo = 0, hi = sizeof hm_entities / sizeof hm_entities[0];
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            int c = strncmp(hm_entities[mid].name, name, len);
            if (c == 0 && hm_entities[mid].name[len] != '\0')
                c = 1;
            if (c == 0)
                return hm_buf_adds(b, hm_entities[mid].utf8);
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
    }
    return hm_buf_add(b, s, n);
}

/* Whether an inline HTML tag stands between words: <br>, <p>, <div>, … */
static int html_breaks_words(const char *s, size_t n)
{
    static const char *const tags[] = {
        "br", "p",  "div", "li", "ul", "ol", "td",         "th",      "tr",      "table", "hr",
        "h1", "h2", "h3",  "h4", "h5", "h6", "blockquote", "section", "article", "img"};
    if (n < 3 || s[0] != '<')
        return 0;
    size_t i = 1;
    if (s[i] == '/')
        i++;
    size_t start = i;
    while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
                     (s[i] >= '0' && s[i] <= '9')))
        i++;
    size_t len = i - start;
    if (!len || (i < n && s[i] != '>' && s[i] != '/' && s[i] != ' ' && s[i] != '\t' &&
                 s[i] != '\n' && s[i] != '\r'))
        return 0;
    for (size_t k = 0; k < sizeof tags / sizeof tags[0]; k++) {
        if (strlen(tags[k]) != len)
            continue;
        size_t j = 0;
        while (j < len && (s[start + j] | 0x20) == tags[k][j])
            j++;
        if (j == len)
            return 1;
    }
    return 0;
}

static int on_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *userdata)
{
    md_state *st = userdata;
    hm_plain *p = st->p;
    int r = 0;
    if (type == MD_TEXT_HTML) {
        if (in_doc(st, text)) {
            size_t at = (size_t)(text - st->doc);
            r = add_html(p, at, at + size);
            st->src_pos = at + size;
        }
        /* Inline tags such as <b> are markup inside a word run; a line
         * break or a block tag separates words. */
        if (r == 0 && !st->skip && html_breaks_words(text, size))
            r = add_made_up(st, "\n", 1);
        goto done;
    }
    if (st->skip || type == MD_TEXT_CODE || type == MD_TEXT_LATEXMATH)
        goto done;
    size_t at = p->own.len;
    switch (type) {
    case MD_TEXT_NORMAL:
        if (in_doc(st, text)) {
            size_t src = (size_t)(text - st->doc);
            r = hm_buf_add(&p->own, text, size);
            if (r == 0)
                r = add_seg(p, at, size, src, size);
            st->src_pos = src + size;
        } else {
            r = add_made_up(st, text, size);
        }
        break;
    case MD_TEXT_ENTITY:
        r = add_entity(&p->own, text, size);
        if (r == 0 && in_doc(st, text)) {
            size_t src = (size_t)(text - st->doc);
            r = add_seg(p, at, p->own.len - at, src, size);
            st->src_pos = src + size;
        } else if (r == 0) {
            r = add_seg(p, at, p->own.len - at, st->src_pos, 0);
        }
        break;
    case MD_TEXT_NULLCHAR:
        r = add_made_up(st, "\xEF\xBF\xBD", 3);
        break;
    case MD_TEXT_BR:
    case MD_TEXT_SOFTBR:
        r = add_made_up(st, "\n", 1);
        break;
    default:
        break;
    }
done:
    if (r < 0) {
        st->failed = 1;
        return -1;
    }
    return 0;
}

/* Length of YAML front matter ("---" ... "---" or "...") at the very start. */
static size_t front_matter(const char *d, size_t len)
{
    if (len < 4 || memcmp(d, "---", 3) != 0 || (d[3] != '\n' && d[3] != '\r'))
        return 0;
    size_t i = 3;
    while (i < len) {
        /* I is at a line end; move to the next line's start. */
        if (d[i] == '\r' && i + 1 < len && d[i + 1] == '\n')
            i++;
        i++;
        size_t line = i;
        while (i < len && d[i] != '\n' && d[i] != '\r')
            i++;
        size_t n = i - line;
        while (n > 3 && (d[line + n - 1] == ' ' || d[line + n - 1] == '\t'))
            n--;
        if (n == 3 && (!memcmp(d + line, "---", 3) || !memcmp(d + line, "...", 3))) {
            if (i < len && d[i] == '\r' && i + 1 < len && d[i + 1] == '\n')
                i++;
            return i < len ? i + 1 : i;
        }
    }
    return 0;
}

int hm_markup_markdown(hm_plain *p, const char *data, size_t len, int terminated)
{
    return hm_markup_markdown_flushing(p, data, len, terminated, 0, NULL, NULL);
}

int hm_markup_markdown_flushing(hm_plain *p, const char *data, size_t len, int terminated,
                                size_t every, hm_flush_fn flush, void *ctx)
{
    memset(p, 0, sizeof *p);
    size_t skip = bom_len(data, len);
    skip += front_matter(data + skip, len - skip);
    md_state st = {.p = p,
                   .doc = data,
                   .len = len,
                   .src_pos = skip,
                   .flush = flush,
                   .flush_ctx = ctx,
                   .every = every,
                   .next_flush = every};
    MD_PARSER parser = {0};
    parser.abi_version = 0;
    parser.flags = MD_DIALECT_GITHUB;
    parser.enter_block = on_enter_block;
    parser.leave_block = on_leave_block;
    parser.enter_span = on_enter_span;
    parser.leave_span = on_leave_span;
    parser.text = on_text;
    /* The prose is mostly the source less its markup: one allocation, or,
     * handed over as it grows, about a window's worth. */
    if (hm_buf_grow(&p->own, (flush && every < len ? 2 * every : len) + 64) < 0)
        return -1;
    if (len - skip > (size_t)(MD_SIZE)-1) {
        hm_plain_free(p);
        return -1;
    }
    /* md4c 0.4.8 can read one byte past the end of what it is given (a link
     * destination left open at the very end, for one): it must be there,
     * and a NUL. Without one, it parses a copy that has it. */
    char *copy = NULL;
    if (!terminated) {
        if (!(copy = hm_malloc(len + 1))) {
            hm_plain_free(p);
            return -1;
        }
        memcpy(copy, data, len);
        copy[len] = '\0';
        st.doc = copy;
    }
    int rc = md_parse((copy ? copy : data) + skip, (MD_SIZE)(len - skip), &parser, &st);
    hm_free(copy);
    if (rc != 0 || st.failed) {
        hm_plain_free(p);
        return -1;
    }
    p->text = p->own.data;
    p->len = p->own.len;
    return 0;
}

/* ---- HTML -------------------------------------------------------------- */

/* HTML goes through gumbo, which parses it as a browser would and keeps,
 * for each text node and attribute, where it stands in the source. What a
 * reader sees is checked: text, and the alt and title attributes; script,
 * style, code, pre, template and textarea are not. Block elements are
 * separated by a blank line, so no phrase is found across two of them;
 * inline ones (em, a, span…) are not, so "service <em>users</em>" is one
 * match. Entities are decoded and mapped to where they stand. Comments are
 * where directives may stand. */

typedef struct html_state {
    hm_plain *p;
    const char *doc;
    size_t len;
    size_t src_pos;
    int failed;
} html_state;

static int html_break(html_state *st)
{
    return blank_line(st->p, st->src_pos);
}

/* Adds the source bytes [OFF, OFF+N), entities decoded. */
static int html_text(html_state *st, size_t off, size_t n)
{
    hm_buf *b = &st->p->own;
    const char *s = st->doc + off;
    size_t i = 0;
    while (i < n) {
        size_t run = i;
        while (run < n && s[run] != '&')
            run++;
        if (run > i) {
            size_t at = b->len;
            if (hm_buf_add(b, s + i, run - i) < 0 ||
                add_seg(st->p, at, run - i, off + i, run - i) < 0)
                return -1;
            i = run;
            continue;
        }
        /* An entity: '&', a name or '#' and a number, ';'. Anything else is
         * an ampersand as written. */
        size_t end = i + 1;
        if (end < n && s[end] == '#')
            end++;
        while (end < n && end - i < 40 &&
               ((s[end] >= 'a' && s[end] <= 'z') || (s[end] >= 'A' && s[end] <= 'Z') ||
                (s[end] >= '0' && s[end] <= '9')))
            end++;
        size_t elen = end < n && s[end] == ';' ? end + 1 - i : 1;
        size_t at = b->len;
        if (add_entity(b, s + i, elen) < 0 || add_seg(st->p, at, b->len - at, off + i, elen) < 0)
            return -1;
        i += elen;
    }
    st->src_pos = off + n;
    return 0;
}

static int html_is(const GumboElement *e, GumboTag t)
{
    return e->tag == t;
}

static int html_skipped(const GumboElement *e)
{
    return html_is(e, GUMBO_TAG_SCRIPT) || html_is(e, GUMBO_TAG_STYLE) ||
           html_is(e, GUMBO_TAG_CODE) || html_is(e, GUMBO_TAG_PRE) ||
           html_is(e, GUMBO_TAG_TEMPLATE) || html_is(e, GUMBO_TAG_TEXTAREA) ||
           html_is(e, GUMBO_TAG_KBD) || html_is(e, GUMBO_TAG_SAMP);
}

/* Whether an element flows with the words around it. */
static int html_inline(const GumboElement *e)
{
    static const GumboTag tags[] = {
        GUMBO_TAG_A,    GUMBO_TAG_ABBR,  GUMBO_TAG_B,     GUMBO_TAG_BDI,    GUMBO_TAG_BDO,
        GUMBO_TAG_CITE, GUMBO_TAG_DATA,  GUMBO_TAG_DFN,   GUMBO_TAG_EM,     GUMBO_TAG_FONT,
        GUMBO_TAG_I,    GUMBO_TAG_INS,   GUMBO_TAG_DEL,   GUMBO_TAG_MARK,   GUMBO_TAG_Q,
        GUMBO_TAG_S,    GUMBO_TAG_SMALL, GUMBO_TAG_SPAN,  GUMBO_TAG_STRONG, GUMBO_TAG_SUB,
        GUMBO_TAG_SUP,  GUMBO_TAG_TIME,  GUMBO_TAG_U,     GUMBO_TAG_LABEL,  GUMBO_TAG_NOBR,
        GUMBO_TAG_TT,   GUMBO_TAG_BIG,   GUMBO_TAG_STRIKE};
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
        if (e->tag == tags[i])
            return 1;
    return 0;
}

/* The alt and title text of E, each a block of its own. */
static int html_attributes(html_state *st, const GumboElement *e)
{
    for (unsigned i = 0; i < e->attributes.length; i++) {
        const GumboAttribute *a = e->attributes.data[i];
        if (strcmp(a->name, "alt") && strcmp(a->name, "title"))
            continue;
        size_t off = a->value_start.offset, n = a->original_value.length;
        if (n && (a->original_value.data[0] == '"' || a->original_value.data[0] == '\'')) {
            off++;
            n = n >= 2 ? n - 2 : 0;
        }
        if (off + n > st->len || !n)
            continue;
        if (html_break(st) < 0 || html_text(st, off, n) < 0 || html_break(st) < 0)
            return -1;
    }
    return 0;
}

/* A leaf of the tree: text, a comment, a line break. */
static int html_leaf(html_state *st, const GumboNode *node)
{
    const GumboText *t = &node->v.text;
    size_t off = t->start_pos.offset, n = t->original_text.length;
    switch (node->type) {
    case GUMBO_NODE_TEXT:
    case GUMBO_NODE_WHITESPACE:
    case GUMBO_NODE_CDATA:
        if (t->original_text.data != st->doc + off || off + n > st->len)
            return 0; /* made up by the parser, not in the source */
        return html_text(st, off, n);
    case GUMBO_NODE_COMMENT:
        return off + n <= st->len ? add_html(st->p, off, off + n) : 0;
    default:
        return 0;
    }
}

static const GumboVector *html_children(const GumboNode *node)
{
    return node->type == GUMBO_NODE_DOCUMENT ? &node->v.document.children
                                             : &node->v.element.children;
}

/* Walks the tree from ROOT without recursion: nesting is unbounded. */
static int html_walk(html_state *st, const GumboNode *root)
{
    typedef struct frame {
        const GumboNode *node;
        unsigned next;
        int block;
    } frame;
    frame *stack = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    const GumboNode *enter = root;
    while (rc == 0) {
        if (enter) {
            const GumboElement *e = enter->type == GUMBO_NODE_DOCUMENT ? NULL : &enter->v.element;
            int block = !e || !html_inline(e);
            if (e && block)
                rc = html_break(st);
            if (rc == 0 && e)
                rc = html_attributes(st, e);
            if (n == cap) {
                size_t c = cap ? cap * 2 : 64;
                frame *f = hm_realloc(stack, c * sizeof *f);
                if (!f) {
                    rc = -1;
                    break;
                }
                stack = f;
                cap = c;
            }
            stack[n++] = (frame){enter, 0, block};
            enter = NULL;
            continue;
        }
        if (!n)
            break;
        frame *top = &stack[n - 1];
        const GumboVector *kids = html_children(top->node);
        if (top->next >= kids->length) {
            if (top->block && top->node->type != GUMBO_NODE_DOCUMENT)
                rc = html_break(st);
            n--;
            continue;
        }
        const GumboNode *child = kids->data[top->next++];
        if (child->type == GUMBO_NODE_ELEMENT || child->type == GUMBO_NODE_TEMPLATE) {
            const GumboElement *e = &child->v.element;
            if (html_is(e, GUMBO_TAG_BR)) {
                size_t at = st->p->own.len;
                rc = hm_buf_addc(&st->p->own, '\n') < 0 ||
                             add_seg(st->p, at, 1, e->start_pos.offset, 0) < 0
                         ? -1
                         : 0;
            } else if (!html_skipped(e)) {
                enter = child;
            }
        } else {
            rc = html_leaf(st, child);
        }
    }
    hm_free(stack);
    return rc;
}

/* gumbo does not expect an allocation to fail: it would go on with NULL.
 * So each of its blocks is kept on a list, and a failed allocation jumps
 * back out of the parse, where every block on the list is freed. */
typedef struct gumbo_links {
    struct gumbo_links *prev, *next;
} gumbo_links;

/* What goes before each block, keeping the block aligned. */
typedef union gumbo_header {
    gumbo_links links;
    max_align_t align;
} gumbo_header;

typedef struct gumbo_memory {
    gumbo_links head; /* the list's ends */
    jmp_buf out;
} gumbo_memory;

static void *gumbo_alloc(void *userdata, size_t size)
{
    gumbo_memory *m = userdata;
    gumbo_header *h = size < SIZE_MAX - sizeof(gumbo_header) ? hm_malloc(sizeof *h + size) : NULL;
    if (!h)
        longjmp(m->out, 1);
    gumbo_links *b = &h->links;
    b->prev = &m->head;
    b->next = m->head.next;
    m->head.next->prev = b;
    m->head.next = b;
    return h + 1;
}

static void gumbo_free(void *userdata, void *ptr)
{
    (void)userdata;
    if (!ptr)
        return;
    gumbo_header *h = (gumbo_header *)ptr - 1;
    h->links.prev->next = h->links.next;
    h->links.next->prev = h->links.prev;
    hm_free(h);
}

static void gumbo_free_all(gumbo_memory *m)
{
    for (gumbo_links *b = m->head.next; b != &m->head;) {
        gumbo_links *next = b->next;
        hm_free(b); /* the links are the start of the header */
        b = next;
    }
    m->head.next = m->head.prev = &m->head;
}

int hm_markup_html(hm_plain *p, const char *data, size_t len)
{
    memset(p, 0, sizeof *p);
    size_t skip = bom_len(data, len);
    html_state st = {.p = p, .doc = data, .len = len, .src_pos = skip};
    if (hm_buf_grow(&p->own, len + 64) < 0)
        return -1;
    gumbo_memory *m = hm_malloc(sizeof *m);
    if (!m) {
        hm_plain_free(p);
        return -1;
    }
    m->head.next = m->head.prev = &m->head;
    GumboOptions opts = kGumboDefaultOptions;
    opts.max_errors = 0;
    opts.allocator = gumbo_alloc;
    opts.deallocator = gumbo_free;
    opts.userdata = m;
    GumboOutput *volatile out = NULL;
    if (setjmp(m->out) != 0) {
        gumbo_free_all(m);
        hm_free(m);
        hm_plain_free(p);
        return -1;
    }
    out = gumbo_parse_with_options(&opts, data, len);
    int rc = html_walk(&st, out->document);
    gumbo_destroy_output(&opts, out);
    gumbo_free_all(m); /* anything gumbo did not free itself */
    hm_free(m);
    if (rc < 0) {
        hm_plain_free(p);
        return -1;
    }
    p->text = p->own.data;
    p->len = p->own.len;
    return 0;
}
