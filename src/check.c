/* check.c - runs the rules over a document's prose and turns every match
 * into a finding with its source position, minus the ones that exceptions,
 * accepted phrases and <!-- hmmm --> directives rule out. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Budgets that stop a runaway pattern (such as (a+)+$) on hostile text. */
#define MATCH_LIMIT 10000000u
#define DEPTH_LIMIT 100000u
#define HEAP_LIMIT (64u * 1024u) /* KiB */
/* Bytes looked at to decide whether a file is binary, as git does. */
#define BINARY_PROBE 8000

typedef struct cand {
    const hm_rule *rule;
    size_t start, end; /* in the whole prose */
    int mention;
    size_t offset, length; /* in the source */
    const char *match;     /* the words matched, kept once in the result's arena */
} cand;

/* A candidate, and then, in the same place, the finding it becomes: the
 * candidates are sorted and made findings in order, each written over a
 * candidate already read, so a document's findings take no more memory
 * than its candidates did. */
typedef union slot {
    cand c;
    hmmm_finding f;
} slot;
_Static_assert(sizeof(slot) == sizeof(hmmm_finding), "a finding fills its slot exactly");

struct hmmm_result {
    hm_arena arena;
    slot *items; /* the findings, each its slot's F */
    size_t n, cap;
    hm_vec errors; /* char *, in the arena */
    int binary;
    size_t words;
    char *text; /* a Word or OpenDocument file's paragraphs, which the findings point into */
    size_t text_len;
    const char *unreadable; /* in the arena */
};

void hmmm_result_free(hmmm_result *res)
{
    if (!res)
        return;
    hm_free(res->items);
    hm_free(res->text);
    hm_vec_free(&res->errors);
    hm_arena_free(&res->arena);
    hm_free(res);
}

size_t hmmm_result_count(const hmmm_result *res)
{
    return res ? res->n : 0;
}

const hmmm_finding *hmmm_result_get(const hmmm_result *res, size_t i)
{
    return res && i < res->n ? &res->items[i].f : NULL;
}

int hmmm_result_binary(const hmmm_result *res)
{
    return res ? res->binary : 0;
}

size_t hmmm_result_error_count(const hmmm_result *res)
{
    return res ? res->errors.n : 0;
}

const char *hmmm_result_error(const hmmm_result *res, size_t i)
{
    return res && i < res->errors.n ? res->errors.items[i] : NULL;
}

size_t hmmm_result_words(const hmmm_result *res)
{
    return res ? res->words : 0;
}

const char *hmmm_result_text(const hmmm_result *res, size_t *len)
{
    if (len)
        *len = res && res->text ? res->text_len : 0;
    return res ? res->text : NULL;
}

const char *hmmm_result_unreadable(const hmmm_result *res)
{
    return res ? res->unreadable : NULL;
}

/* ---- directives -------------------------------------------------------- */

typedef enum { DIR_OFF, DIR_ON, DIR_NEXT_LINE } dir_kind;

typedef struct directive {
    dir_kind kind;
    size_t at;     /* source offset just past the comment */
    unsigned line; /* line the comment ends on */
    char **names;  /* rule ids or packs; none means all */
    size_t n_names;
} directive;

typedef struct directives {
    directive *d;
    size_t n, cap;
} directives;

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int allowed_at(const hm_plain *p, size_t at)
{
    if (p->all_html)
        return 1;
    for (size_t i = 0; i < p->n_html; i++)
        if (at >= p->html[i].start && at < p->html[i].end)
            return 1;
    return 0;
}

/* The first "<!--" in [S, END), or NULL: '<' is rare in prose, and memchr
 * skips to it many bytes at a time. */
static const char *comment_open(const char *s, const char *end)
{
    while ((s = memchr(s, '<', (size_t)(end - s)))) {
        if (end - s >= 4 && s[1] == '!' && s[2] == '-' && s[3] == '-')
            return s;
        s++;
    }
    return NULL;
}

/* Parses "<!-- hmmm off a, b -->" comments. Returns -1 when out of memory. */
static int scan_directives(hm_arena *a, const char *s, size_t len, const hm_plain *p,
                           hm_lines *lines, directives *out)
{
    const char *end = s + len;
    for (const char *c = s; (c = comment_open(c, end)); c += 4) {
        const char *close = memmem(c + 4, (size_t)(end - c - 4), "-->", 3);
        if (!close)
            break;
        const char *q = c + 4;
        while (q < close && is_blank(*q))
            q++;
        if (close - q < 5 || memcmp(q, "hmmm", 4) != 0 || !is_blank(q[4]))
            continue;
        q += 4;
        while (q < close && is_blank(*q))
            q++;
        const char *w = q;
        while (q < close && !is_blank(*q))
            q++;
        size_t wl = (size_t)(q - w);
        dir_kind kind;
        if (wl == 3 && !memcmp(w, "off", 3))
            kind = DIR_OFF;
        else if (wl == 2 && !memcmp(w, "on", 2))
            kind = DIR_ON;
        else if (wl == 16 && !memcmp(w, "ignore-next-line", 16))
            kind = DIR_NEXT_LINE;
        else
            continue;
        if (!allowed_at(p, (size_t)(c - s)))
            continue;
        if (out->n == out->cap) {
            size_t cap = out->cap ? out->cap * 2 : 8;
            directive *d = hm_realloc(out->d, cap * sizeof *d);
            if (!d)
                return -1;
            out->d = d;
            out->cap = cap;
        }
        directive *d = &out->d[out->n++];
        memset(d, 0, sizeof *d);
        d->kind = kind;
        d->at = (size_t)(close + 3 - s);
        unsigned col;
        hm_lines_position(lines, (size_t)(close - s), &d->line, &col);
        /* Names: separated by commas and/or white space. */
        size_t cap = 0;
        while (q < close) {
            while (q < close && (is_blank(*q) || *q == ','))
                q++;
            const char *nm = q;
            while (q < close && !is_blank(*q) && *q != ',')
                q++;
            if (q == nm)
                break;
            if (d->n_names == cap) {
                cap = cap ? cap * 2 : 4;
                char **names = hm_arena_alloc(a, cap * sizeof *names);
                if (!names)
                    return -1;
                if (d->n_names)
                    memcpy(names, d->names, d->n_names * sizeof *names);
                d->names = names;
            }
            if (!(d->names[d->n_names++] = hm_arena_strndup(a, nm, (size_t)(q - nm))))
                return -1;
        }
        /* On past the "-->" (the loop's step adds 4), and never past the
         * end of the text when it is the last thing there. */
        c = close - 1;
    }
    return 0;
}

static int names_rule(const directive *d, const hmmm_rule *r)
{
    for (size_t i = 0; i < d->n_names; i++)
        if (!strcmp(d->names[i], r->id) || !strcmp(d->names[i], r->pack))
            return 1;
    return 0;
}

/* Whether the directives switch RULE off at source offset AT on LINE. */
static int suppressed(const directives *ds, const hmmm_rule *rule, size_t at, unsigned line)
{
    int off = 0;
    for (size_t i = 0; i < ds->n && ds->d[i].at <= at; i++) {
        const directive *d = &ds->d[i];
        switch (d->kind) {
        case DIR_OFF:
            if (!d->n_names || names_rule(d, rule))
                off = 1;
            break;
        case DIR_ON:
            if (!d->n_names || names_rule(d, rule))
                off = 0;
            break;
        case DIR_NEXT_LINE:
            if (d->line + 1 == line && (!d->n_names || names_rule(d, rule)))
                return 1;
            break;
        }
    }
    return off;
}

/* ---- matching ---------------------------------------------------------- */

typedef struct matcher {
    const hm_plain *plain;
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    pcre2_match_context *near_ctx; /* the same limits, and an offset limit */
    int limit_hit;
    /* The prose as pieces of well-formed UTF-8 (one for almost every
     * document), split where bytes are not UTF-8; the text is split up to
     * SPLIT. */
    hm_range *pieces;
    size_t n_pieces, cap_pieces, split;
    /* More prose is still to come after the text (see "a window at a
     * time" below): what looks at the end of the text must wait for it. */
    int open;
    /* The document is checked a window at a time: the rules' own patterns
     * match partially throughout, with the code made for that. */
    int windowed;
} matcher;

/* ---- matching a piece of well-formed text at a time ---------------------
 *
 * PCRE2 is given only well-formed UTF-8, with PCRE2_NO_UTF_CHECK: bytes that
 * are not UTF-8 split the prose into pieces, each searched on its own, so a
 * match never runs across them and nothing looks past them. PCRE2 would
 * otherwise check the rest of the text on every call, which without JIT
 * grows with the square of a document's size. */

/* Splits the prose from M->split to its end into pieces. The text before
 * was split already, and a piece that ran to where it ended goes on. Returns
 * -1 when out of memory. */
static int find_pieces(matcher *m)
{
    const unsigned char *t = (const unsigned char *)m->plain->text;
    size_t len = m->plain->len, i = m->split, start = i;
    if (m->n_pieces && m->pieces[m->n_pieces - 1].end == i)
        start = m->pieces[--m->n_pieces].start;
    m->split = len;
    for (;;) {
        size_t bad = i + hm_utf8_valid_prefix((const char *)t + i, len - i);
        if (bad >= len || bad > start) {
            if (hm_grow((void **)&m->pieces, &m->cap_pieces, m->n_pieces + 1, sizeof(hm_range)) < 0)
                return -1;
            m->pieces[m->n_pieces++] = (hm_range){start, bad < len ? bad : len};
        }
        if (bad >= len)
            return 0;
        /* Past the bytes that do not decode, to where UTF-8 starts again. */
        uint32_t cp;
        i = bad + 1;
        while (i < len && (t[i] & 0xC0) == 0x80 && !hm_utf8_decode(t + i, len - i, &cp))
            i++;
        start = i;
    }
}

/* The piece that holds position AT (or ends there), or n_pieces. */
static size_t piece_of(const matcher *m, size_t at)
{
    size_t lo = 0, hi = m->n_pieces;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->pieces[mid].end < at)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m->n_pieces && m->pieces[lo].start <= at ? lo : m->n_pieces;
}

/* How a search may use the pieces: anywhere from its start on, or only in
 * the piece its start is in (an anchored pattern, or one that begins with
 * \G) or its end is in (one that ends with \z). */
typedef enum { ANYWHERE, AT_START, AT_END } reach;

/* Searches RE from START in the prose cut off at END, as pcre2_match would
 * (with CTX, and an offset LIMIT unless it is SIZE_MAX). Returns PCRE2's
 * result; on a match, sets *MS and *ME to where it is in the prose. While
 * more prose is to come, a search that reaches the end of the text returns
 * PCRE2_ERROR_PARTIAL when what comes next could change its result: PCRE2's
 * hard partial matching tells. PARTIAL asks for that way of matching even
 * where the end is final (the search is then made again the usual way if it
 * reaches it), so that code made for it alone serves. */
static int search(matcher *m, const pcre2_code *re, size_t start, size_t end, reach how,
                  pcre2_match_context *ctx, size_t limit, int partial, size_t *ms, size_t *me)
{
    size_t i = piece_of(m, how == AT_END ? end : start);
    if (how == ANYWHERE && i == m->n_pieces) /* in bytes that are not UTF-8 */
        for (i = 0; i < m->n_pieces && m->pieces[i].start < start; i++)
            ;
    for (; i < m->n_pieces; i++) {
        hm_range p = m->pieces[i];
        size_t from = start > p.start ? start : p.start;
        size_t to = end < p.end ? end : p.end;
        if (from > to || (how == AT_START && from != start) || (how == AT_END && to != end) ||
            from > limit)
            return PCRE2_ERROR_NOMATCH;
        uint32_t opts = PCRE2_NO_UTF_CHECK | (p.start || m->plain->origin ? PCRE2_NOTBOL : 0) |
                        (to < m->plain->len && to == p.end ? PCRE2_NOTEOL : 0);
        int open_end = m->open && to == m->plain->len;
        if (open_end || partial)
            opts |= PCRE2_PARTIAL_HARD;
        if (limit != SIZE_MAX)
            pcre2_set_offset_limit(ctx, limit - p.start);
        /* The piece is well-formed UTF-8, so a pattern compiled to machine
         * code can skip pcre2_match's checks; one still interpreted cannot. */
        PCRE2_SPTR subject = (PCRE2_SPTR)m->plain->text + p.start;
        int rc = pcre2_jit_match(re, subject, to - p.start, from - p.start, opts, m->md, ctx);
        if (rc == PCRE2_ERROR_JIT_BADOPTION)
            rc = pcre2_match(re, subject, to - p.start, from - p.start, opts, m->md, ctx);
        if (rc == PCRE2_ERROR_PARTIAL && !open_end) /* this end is final: decide here */
            rc = pcre2_match(re, subject, to - p.start, from - p.start,
                             opts & ~(uint32_t)PCRE2_PARTIAL_HARD, m->md, ctx);
        if (rc >= 0 || rc == PCRE2_ERROR_PARTIAL) { /* a partial match: where it starts */
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
            *ms = p.start + ov[0];
            *me = p.start + ov[1];
        }
        if (rc != PCRE2_ERROR_NOMATCH || how != ANYWHERE || to >= end)
            return rc;
    }
    return PCRE2_ERROR_NOMATCH;
}

/* Orders findings by where they are in the source. */
static int cmp_finding_place(const void *a, const void *b)
{
    const hmmm_finding *x = a, *y = b;
    if (x->offset != y->offset)
        return x->offset < y->offset ? -1 : 1;
    if (x->length != y->length)
        return x->length < y->length ? -1 : 1;
    return strcmp(x->rule->id, y->rule->id);
}

/* ---- word-sense conditions and mentions -------------------------------- */

/* What a check returns when the prose still to come decides (see "a window
 * at a time" below). */
#define MORE 2

/* Bytes looked back for a preceded-by phrase. */
#define LOOK_BACK 256

static int word_or_high(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c >= 0x80;
}

static int is_word_char(const char *s, size_t len, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_';
    uint32_t cp;
    if (!hm_utf8_decode((const unsigned char *)s + i, len - i, &cp))
        return 0;
    /* Letters beyond ASCII; not punctuation such as quotes and dashes, but
     * the connectors that a pattern's \w matches (U+203F, U+2040, U+2054). */
    if (cp == 0x203F || cp == 0x2040 || cp == 0x2054)
        return 1;
    return !(cp >= 0x2000 && cp <= 0x206F) && cp != 0xA0 && cp != 0xAB && cp != 0xBB &&
           cp != 0xFFFC;
}

/* Whether a block break (blank line) starts at I. */
static int block_break_at(const char *s, size_t len, size_t i)
{
    return s[i] == '\n' && i + 1 < len && (s[i + 1] == '\n' || s[i + 1] == '\r');
}

/* The start of the WORDS-th word before AT, not crossing a blank line. */
static size_t words_back(const char *s, size_t len, size_t at, unsigned words)
{
    size_t i = at;
    while (i > 0 && words) {
        while (i > 0 && !is_word_char(s, len, i - 1)) {
            if (i >= 1 && block_break_at(s, len, i - 1))
                return i;
            i--;
        }
        while (i > 0 && (is_word_char(s, len, i - 1) || ((unsigned char)s[i - 1] & 0xC0) == 0x80))
            i--;
        words--;
    }
    return i;
}

/* The end of the WORDS-th word after AT, not crossing a blank line. */
static size_t words_forward(const char *s, size_t len, size_t at, unsigned words)
{
    size_t i = at;
    while (i < len && words) {
        while (i < len && !is_word_char(s, len, i)) {
            if (block_break_at(s, len, i))
                return i;
            i++;
        }
        while (i < len && is_word_char(s, len, i)) {
            i++;
            while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
                i++;
        }
        words--;
    }
    return i;
}

/* The start of the N-th run of word bytes before AT, or 0 when there are
 * fewer. A run is bytes that are ASCII letters, digits or '_' or not ASCII,
 * and counts only when it holds an ASCII one: each run counted then holds
 * a different \w word, so N runs back is never nearer than N words. */
static size_t runs_back(const char *s, size_t at, unsigned n)
{
    size_t i = at;
    while (n && i > 0) {
        while (i > 0 && !word_or_high((unsigned char)s[i - 1]))
            i--;
        int ascii = 0;
        while (i > 0 && word_or_high((unsigned char)s[i - 1])) {
            ascii |= (unsigned char)s[i - 1] < 0x80;
            i--;
        }
        n -= ascii;
    }
    return n ? 0 : i;
}

/* Whether RE matches: anchored after the match, ending where it starts, or
 * anywhere in the window around it. Returns 1, 0, -1 on a limit, or MORE
 * when the prose still to come decides. */
static int ctx_hit(matcher *m, const hm_rule *rule, hm_ctx_kind k, size_t s, size_t e)
{
    const char *text = m->plain->text;
    size_t len = m->plain->len, from, to, start;
    switch (k) {
    case HM_FOLLOWED_BY:
    case HM_NOT_FOLLOWED_BY:
        from = e;
        to = len;
        start = e;
        break;
    case HM_PRECEDED_BY:
    case HM_NOT_PRECEDED_BY: {
        to = s;
        start = s > LOOK_BACK ? s - LOOK_BACK : 0;
        while (start > 0 && ((unsigned char)text[start] & 0xC0) == 0x80)
            start--;
        /* A match ends at S and spans at most the phrase's words and GAP
         * more: no need to try it further back than that. */
        size_t near = runs_back(text, s, rule->ctx_words[k] + rule->gap + 1);
        if (near > start)
            start = near;
        from = start;
        break;
    }
    default:
        from = words_back(text, len, s, rule->window);
        to = words_forward(text, len, e, rule->window);
        if (m->open && to >= len)
            return MORE; /* the window may go on into the prose to come */
        start = from;
        break;
    }
    (void)from;
    reach how = k == HM_FOLLOWED_BY || k == HM_NOT_FOLLOWED_BY   ? AT_START
                : k == HM_PRECEDED_BY || k == HM_NOT_PRECEDED_BY ? AT_END
                                                                 : ANYWHERE;
    size_t ms, me;
    int rc = search(m, HM_CODE(rule->ctx_re[k]), start, to, how, m->mctx, SIZE_MAX, 0, &ms, &me);
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    if (rc == PCRE2_ERROR_PARTIAL)
        return MORE;
    return rc < 0 ? -1 : 1;
}

/* Whether the rule's conditions let the match at [S, E) count: 1 or 0, or
 * MORE when the prose still to come decides. */
static int context_allows(matcher *m, const hm_rule *rule, size_t s, size_t e)
{
    for (int k = 0; k < HM_N_CTX; k++) {
        if (!HM_CODE(rule->ctx_re[k]))
            continue;
        int hit = ctx_hit(m, rule, (hm_ctx_kind)k, s, e);
        if (hit < 0)
            return 0;
        if (hit == MORE)
            return MORE;
        int negative = k == HM_NOT_FOLLOWED_BY || k == HM_NOT_PRECEDED_BY || k == HM_NOT_NEAR;
        if (hit == negative)
            return 0;
    }
    return 1;
}

static int quote_before(const char *s, size_t at, size_t *qlen)
{
    static const char *const open[] = {"\"", "'", "\xE2\x80\x9C", "\xE2\x80\x98", "\xC2\xAB"};
    for (size_t i = 0; i < sizeof open / sizeof open[0]; i++) {
        size_t n = strlen(open[i]);
        if (at >= n && !memcmp(s + at - n, open[i], n)) {
            *qlen = n;
            return 1;
        }
    }
    return 0;
}

static int quote_after(const char *s, size_t len, size_t at, size_t *qlen)
{
    static const char *const close[] = {"\"", "'", "\xE2\x80\x9D", "\xE2\x80\x99", "\xC2\xBB"};
    for (size_t i = 0; i < sizeof close / sizeof close[0]; i++) {
        size_t n = strlen(close[i]);
        if (at + n <= len && !memcmp(s + at, close[i], n)) {
            *qlen = n;
            return 1;
        }
    }
    return 0;
}

/* Whether one of the few words before AT (in the same sentence) says a term
 * is being talked about: "the word", "saying", "called", … */
static int cue_before(const char *t, size_t len, size_t at)
{
    static const char *const cues[] = {
        "word",    "words",  "term",    "terms", "phrase", "phrases", "expression",
        "label",   "labels", "saying",  "say",   "says",   "call",    "called",
        "calling", "like",   "as",      "using", "use",    "instead", "than",
        "not",     "write",  "writing", "avoid", "jargon", "language"};
    size_t i = at;
    for (int w = 0; w < 3; w++) {
        while (i > 0 && !is_word_char(t, len, i - 1)) {
            if (strchr(".!?\n", t[i - 1]))
                return 0;
            i--;
        }
        size_t end = i;
        while (i > 0 && is_word_char(t, len, i - 1))
            i--;
        if (i == end)
            return 0;
        for (size_t k = 0; k < sizeof cues / sizeof cues[0]; k++) {
            size_t n = strlen(cues[k]);
            if (end - i != n)
                continue;
            size_t j = 0;
            while (j < n && (t[i + j] | 0x20) == cues[k][j])
                j++;
            if (j == n)
                return 1;
        }
    }
    return 0;
}

/* Whether the match at [S, E) is talked about rather than used: quoted on
 * its own ('the word "empower"', "we stopped saying 'service users'"), with
 * a cue word before it or no word right after it. A quoted term that goes on
 * to describe a noun ('our "you said, we did" summary') is still a use. A
 * closing punctuation mark may stand inside the quotes. MORE when the prose
 * still to come decides. */
static int is_mention(const matcher *m, size_t s, size_t e)
{
    const char *t = m->plain->text;
    size_t len = m->plain->len, q, open;
    if (!quote_before(t, s, &open) || (s > open && is_word_char(t, len, s - open - 1)))
        return 0;
    /* What follows the match decides: the prose still to come may. */
    if (m->open && len - e < 16)
        return MORE;
    if (e < len && t[e] && strchr(".,;:!?", t[e]))
        e++;
    if (!quote_after(t, len, e, &q))
        return 0;
    size_t after = e + q;
    if (after < len && is_word_char(t, len, after))
        return 0;
    if (cue_before(t, len, s - open))
        return 1;
    while (after < len && (t[after] == ' ' || t[after] == '\t'))
        after++;
    if (m->open && len - after < 4)
        return MORE;
    return after >= len || !is_word_char(t, len, after);
}

/* Finds every match of RE in the prose from *FROM on, calling FN for each.
 * Returns 0, -1 when out of memory, 1 when the pattern ran over its budget,
 * or MORE when the prose to come decides, with *FROM where to go on. */
static int each_match(matcher *m, const pcre2_code *re, size_t *from,
                      int (*fn)(void *, size_t, size_t), void *arg)
{
    const char *text = m->plain->text;
    size_t len = m->plain->len, start = *from;
    while (start <= len) {
        size_t s, e;
        *from = start;
        int rc = search(m, re, start, len, ANYWHERE, m->mctx, SIZE_MAX, m->windowed, &s, &e);
        if (rc == PCRE2_ERROR_NOMATCH) {
            *from = len; /* no match can start before the end, whatever follows */
            return 0;
        }
        if (rc == PCRE2_ERROR_PARTIAL) {
            /* No match starts before the partial one, whatever follows. */
            *from = s;
            return MORE;
        }
        if (rc < 0)
            return rc == PCRE2_ERROR_NOMEMORY ? -1 : 1;
        if (e <= s) { /* an empty match finds nothing; step over one character */
            start = s + 1;
            while (start < len && ((unsigned char)text[start] & 0xC0) == 0x80)
                start++;
            continue;
        }
        int r = fn(arg, s, e);
        if (r)
            return r;
        start = e;
    }
    *from = start;
    return 0;
}

typedef struct run {
    matcher *m;
    const hmmm_ruleset *rs;
    const hm_rule *rule;
    unsigned flags;
    slot *c; /* the candidates, each its slot's C */
    size_t n, cap;
    /* The words matched and the messages, each kept once: a long document
     * repeats them thousands of times. */
    hm_strset strings;
    hm_buf scratch;
    /* For the prefilter's places, per rule in use: */
    size_t *next;        /* where the rule's last match ended */
    size_t *tried;       /* 1 + the last place tried */
    unsigned char *dead; /* ran over its budget on this document */
    hmmm_result *res;
    int limits; /* rules that gave up on this document: ran over a budget or did not compile */
} run;

/* Bytes either side of a match searched, at most, for an exception or an
 * accepted phrase around it. */
#define AROUND 512

/* Whether a match of RE (an exception, an accepted phrase; at most WORDS
 * words long) holds the match at [S, E): one that starts at most WORDS words
 * before it and ends at or after its end. Only that stretch is searched, so
 * the cost of a check does not grow with the document. 1 yes, 0 no, -1 out
 * of memory, MORE when the stretch runs into the prose still to come. */
static int held_by(matcher *m, const pcre2_code *re, unsigned words, size_t s, size_t e)
{
    const char *text = m->plain->text;
    size_t len = m->plain->len;
    size_t from = s > AROUND ? s - AROUND : 0;
    while (from > 0 && ((unsigned char)text[from] & 0xC0) == 0x80)
        from--;
    size_t back = words_back(text, len, s, words);
    if (back > from)
        from = back;
    size_t to = len - e > AROUND ? e + AROUND : len;
    while (to < len && ((unsigned char)text[to] & 0xC0) == 0x80)
        to++;
    if (m->open && to >= len)
        return MORE;
    /* No match that starts after S can hold the match. */
    while (from <= s) {
        size_t hs, he;
        int rc = search(m, re, from, to, ANYWHERE, m->near_ctx, s, 0, &hs, &he);
        if (rc == PCRE2_ERROR_NOMATCH)
            return 0;
        if (rc < 0)
            return rc == PCRE2_ERROR_NOMEMORY ? -1 : 0;
        if (hs > s)
            return 0;
        if (he >= e)
            return 1;
        from = he > hs ? he : hs + 1;
        while (from < len && ((unsigned char)text[from] & 0xC0) == 0x80)
            from++;
    }
    return 0;
}

static const char *fold_match(run *r, const char *s, size_t n);

/* The match of the current rule at [S, E) in the text, unless exceptions,
 * accepted phrases, conditions or being a mention rule it out. Returns 0,
 * -1 when out of memory, or MORE when the prose to come decides. */
static int add_candidate(void *arg, size_t s, size_t e)
{
    run *r = arg;
    int held;
    const pcre2_code *exc = HM_CODE(r->rule->exc_re);
    if (exc && (held = held_by(r->m, exc, r->rule->exc_words, s, e)) != 0)
        return held < 0 ? -1 : held == MORE ? MORE : 0;
    if (r->rs->accept_re && (hm_accept_used(r->rs), 1) &&
        (held = held_by(r->m, HM_CODE(r->rs->accept_re), r->rs->accept_words, s, e)) != 0)
        return held < 0 ? -1 : held == MORE ? MORE : 0;
    if (r->rule->pub.has_context) {
        int ok = context_allows(r->m, r->rule, s, e);
        if (ok != 1)
            return ok;
    }
    int mention = is_mention(r->m, s, e);
    if (mention == MORE)
        return MORE;
    if (mention && !(r->flags & HMMM_CHECK_MENTIONS))
        return 0;
    if (hm_grow((void **)&r->c, &r->cap, r->n + 1, sizeof(slot)) < 0)
        return -1;
    /* Where it is in the source, and its words, while the text is here. */
    const hm_plain *p = r->m->plain;
    cand *c = &r->c[r->n].c;
    *c = (cand){r->rule, p->origin + s, p->origin + e, mention, 0, 0, NULL};
    c->offset = hm_plain_to_src(p, c->start, 0);
    size_t end = hm_plain_to_src(p, c->end, 1);
    c->length = end > c->offset ? end - c->offset : 0;
    if (!(c->match = fold_match(r, p->text + s, e - s)))
        return -1;
    r->n++;
    return 0;
}

static hmmm_status add_limit_error(hmmm_result *res, const char *id);
static hmmm_status add_compile_error(hmmm_result *res, const char *id, int ec);

/* Tries rule number I's anchored pattern at POS. Returns 0 (whether or not
 * it matched there), -1 when out of memory, or MORE when the prose to come
 * decides (and then nothing has changed). */
static int try_at(run *r, size_t i, hm_rule *rule, size_t pos)
{
    matcher *m = r->m;
    size_t s, e;
    int rc = search(m, HM_CODE(rule->re), pos, m->plain->len, AT_START, m->mctx, SIZE_MAX,
                    m->windowed, &s, &e);
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    if (rc == PCRE2_ERROR_PARTIAL)
        return MORE;
    if (rc < 0) {
        if (rc == PCRE2_ERROR_NOMEMORY)
            return -1;
        r->dead[i] = 1;
        r->limits++;
        return add_limit_error(r->res, rule->pub.id) == HMMM_OK ? 0 : -1;
    }
    if (e <= s)
        return 0;
    size_t next = r->next[i];
    r->next[i] = e;
    r->rule = rule;
    int added = add_candidate(r, s, e);
    if (added == MORE)
        r->next[i] = next;
    return added;
}

/* One place the prefilter found for rule number I: the rule's anchored
 * pattern decides whether a match starts there (or, for a rule whose match
 * may begin with a character of punctuation, at the character before). */
static int on_place(void *arg, size_t i, size_t pos)
{
    run *r = arg;
    if (r->dead[i] || pos < r->next[i] || r->tried[i] == pos + 1)
        return 0;
    size_t tried = r->tried[i];
    r->tried[i] = pos + 1;
    hm_rule *rule = r->rs->active.items[i];
    int ec = hm_rule_ready(r->rs, rule);
    if (ec < 0)
        return -1;
    if (ec) {
        r->dead[i] = 1;
        r->limits++;
        return add_compile_error(r->res, rule->pub.id, ec) == HMMM_OK ? 0 : -1;
    }
    hm_rule_used(r->rs, rule, 1, r->m->windowed ? PCRE2_JIT_PARTIAL_HARD : PCRE2_JIT_COMPLETE);
    if (pos > 0 && hm_prefilter_lead(r->rs->pf, i)) {
        const char *t = r->m->plain->text;
        size_t before = pos - 1;
        while (before > 0 && pos - before < 4 && ((unsigned char)t[before] & 0xC0) == 0x80)
            before--;
        int e = before >= r->next[i] ? try_at(r, i, rule, before) : 0;
        if (e == MORE)
            r->tried[i] = tried;
        if (e)
            return e;
        if (r->dead[i] || pos < r->next[i])
            return 0;
    }
    int e = try_at(r, i, rule, pos);
    if (e == MORE)
        r->tried[i] = tried; /* the place is tried again, with more text */
    return e;
}

/* ---- a window at a time ----------------------------------------------
 *
 * A long Markdown document's prose is checked while md4c parses it, a window
 * at a time, and the text no check can look at again is let go: memory then
 * holds the source and a window of prose, not the whole prose as well. The
 * findings are the same as checking the whole prose at once. Whatever would
 * look at the end of the window (a walk of the prefilter, a pattern, an
 * exception's stretch, a condition's window, what follows a mention) says
 * MORE instead, and that place is checked again with the next window: PCRE2's
 * hard partial matching says when a pattern's result could change with more
 * text. Looking back, every check stays within the block (after a blank
 * line) of the first place still to check, or within REACH_BACK bytes of
 * it; a pattern's lookbehind may look KEEP bytes before that. */

/* How far behind a place the checks that are not bound by its block look:
 * an exception's stretch (AROUND) and a preceded-by window (LOOK_BACK), and
 * a character more. A pattern's lookbehind may look KEEP bytes further. */
#define REACH_BACK (AROUND + LOOK_BACK + 8)

typedef struct checker {
    const hmmm_ruleset *rs;
    hmmm_result *res;
    matcher m;
    run r;
    size_t scan_from;  /* the prefilter's pass goes on from here in the text */
    size_t words_from; /* words are counted up to here, without the prefilter */
    size_t *full_from; /* per rule scanned in full: its search goes on from here */
    size_t keep;       /* bytes kept for lookbehinds before what the checks reach */
    int started;       /* the rules scanned in full have been compiled */
} checker;

#define FULL_DONE SIZE_MAX

/* The start of the block (after a blank line, as block_break_at sees one)
 * that AT is in, less the line feed before it that the checks look at. */
static size_t block_start(const char *s, size_t len, size_t at)
{
    for (size_t i = at; i > 0; i--)
        if (i < len && block_break_at(s, len, i - 1))
            return i - 1;
    return 0;
}

/* Moves every offset into the text back by D, as hm_plain_drop moved it. */
static void rebase(checker *ck, size_t d)
{
    size_t n_rules = ck->rs->active.n;
    ck->scan_from -= d;
    ck->words_from -= d;
    for (size_t i = 0; i < n_rules; i++) {
        if (ck->full_from[i] != FULL_DONE)
            ck->full_from[i] -= d;
        ck->r.next[i] = ck->r.next[i] > d ? ck->r.next[i] - d : 0;
        ck->r.tried[i] = ck->r.tried[i] > d ? ck->r.tried[i] - d : 0;
    }
    matcher *m = &ck->m;
    size_t k = 0;
    for (size_t i = 0; i < m->n_pieces; i++) {
        if (m->pieces[i].end <= d)
            continue;
        m->pieces[k].start = m->pieces[i].start > d ? m->pieces[i].start - d : 0;
        m->pieces[k].end = m->pieces[i].end - d;
        k++;
    }
    m->n_pieces = k;
    m->split -= d;
}

/* Checks the text of P as far as it can: all of it when FINAL, else up to
 * the first place that waits for more prose; then lets go of the text that
 * nothing still to check looks at. Returns 0, or -1 when out of memory. */
static int check_window(checker *ck, hm_plain *p, int final)
{
    const hmmm_ruleset *rs = ck->rs;
    matcher *m = &ck->m;
    run *r = &ck->r;
    hmmm_result *res = ck->res;
    m->plain = p;
    m->open = !final;
    if (find_pieces(m) < 0)
        return -1;
    size_t n_rules = rs->active.n;
    /* The rules the prefilter cannot place search the whole text. */
    for (size_t i = 0; i < n_rules; i++) {
        if (hm_prefilter_covers(rs->pf, i) || ck->full_from[i] == FULL_DONE)
            continue;
        r->rule = rs->active.items[i];
        if (!ck->started) {
            int ec = hm_rule_ready(rs, rs->active.items[i]);
            if (ec < 0)
                return -1;
            if (ec) {
                r->limits++;
                ck->full_from[i] = FULL_DONE;
                if (add_compile_error(res, r->rule->pub.id, ec) != HMMM_OK)
                    return -1;
                continue;
            }
        }
        /* Scanning in full: a use for every 16 KB. */
        hm_rule_used(rs, rs->active.items[i], (unsigned)((p->len - ck->full_from[i]) >> 14) + 1,
                     m->windowed ? PCRE2_JIT_PARTIAL_HARD : PCRE2_JIT_COMPLETE);
        int e = each_match(m, HM_CODE(r->rule->re), &ck->full_from[i], add_candidate, r);
        if (e < 0)
            return -1;
        if (e == 1) {
            r->limits++;
            ck->full_from[i] = FULL_DONE;
            if (add_limit_error(res, r->rule->pub.id) != HMMM_OK)
                return -1;
        }
    }
    ck->started = 1;
    /* The others are tried only where the prefilter says they could match;
     * its pass counts the words as it goes. */
    if (rs->pf) {
        if (hm_prefilter_scan_from(rs->pf, p->text, p->len, &ck->scan_from, m->open, on_place, r,
                                   &res->words) < 0)
            return -1;
    } else {
        res->words += hm_count_words(p->text + ck->words_from, p->len - ck->words_from);
        ck->words_from = ck->scan_from = p->len;
    }
    if (final)
        return 0;
    /* Let go of what nothing still to check can look at. */
    size_t first = ck->scan_from;
    for (size_t i = 0; i < n_rules; i++)
        if (!hm_prefilter_covers(rs->pf, i) && ck->full_from[i] < first)
            first = ck->full_from[i];
    size_t back = block_start(p->text, p->len, first);
    if (first - back < REACH_BACK)
        back = first > REACH_BACK ? first - REACH_BACK : 0;
    size_t drop = back > ck->keep ? back - ck->keep : 0;
    if (drop == 0)
        return 0;
    hm_plain_drop(p, drop);
    rebase(ck, drop);
    return 0;
}

/* Called by the Markdown parser as the prose grows. */
static int check_some(void *arg, hm_plain *p)
{
    checker *ck = arg;
    ck->m.windowed = 1;
    return check_window(ck, p, 0);
}

/* Document order: by start, then by the rules' order, then shorter first.
 * The prose maps to the source in order, so this is the findings' order. */
static int cmp_cand(const void *a, const void *b)
{
    const cand *x = &((const slot *)a)->c, *y = &((const slot *)b)->c;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->rule->index != y->rule->index)
        return x->rule->index < y->rule->index ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return 0;
}

/* The matched prose with each run of white space folded to one space. */
/* The words of a match, with each run of white space made one space, as
 * R keeps them. NULL when out of memory. */
static const char *fold_match(run *r, const char *s, size_t n)
{
    hm_buf *b = &r->scratch;
    b->len = 0;
    if (hm_buf_grow(b, n + 1) < 0)
        return NULL;
    char *out = b->data;
    size_t k = 0;
    int space = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = 1;
            continue;
        }
        if (space && k)
            out[k++] = ' ';
        space = 0;
        out[k++] = c;
    }
    return hm_strset_add(&r->strings, &r->res->arena, out, k);
}

/* The rule's message MSG with {match} filled in, as R keeps it. NULL when
 * out of memory. */
static const char *fill_message(run *r, const char *msg, const char *match)
{
    hm_buf *b = &r->scratch;
    b->len = 0;
    int ok = 0;
    for (const char *p = msg; *p && ok == 0;) {
        const char *hole = strstr(p, "{match}");
        if (!hole) {
            ok = hm_buf_adds(b, p);
            break;
        }
        ok = hm_buf_add(b, p, (size_t)(hole - p));
        if (ok == 0)
            ok = hm_buf_adds(b, match);
        p = hole + 7;
    }
    return ok == 0 ? hm_strset_add(&r->strings, &r->res->arena, b->data ? b->data : "", b->len)
                   : NULL;
}

/* The name of the encoding whose byte order mark DATA starts with, when it
 * is one hmmm does not read (UTF-16, UTF-32), or NULL. Only a file that
 * also has NUL bytes near its start (as English text in those has) is taken
 * for one: bytes FF FE before plain text are just bytes that are not UTF-8. */
static const char *other_encoding(const char *data, size_t len)
{
    const unsigned char *d = (const unsigned char *)data;
    if (len >= 4 && ((d[0] == 0xFF && d[1] == 0xFE && !d[2] && !d[3]) ||
                     (!d[0] && !d[1] && d[2] == 0xFE && d[3] == 0xFF)))
        return "UTF-32";
    if (len >= 2 && ((d[0] == 0xFF && d[1] == 0xFE) || (d[0] == 0xFE && d[1] == 0xFF)))
        return "UTF-16";
    return NULL;
}

static int looks_binary(const char *data, size_t len)
{
    size_t n = len < BINARY_PROBE ? len : BINARY_PROBE;
    return memchr(data, '\0', n) != NULL;
}

/* Adds "rule ID WHAT" (and ": DETAIL") to the document's errors. */
static hmmm_status add_error(hmmm_result *res, const char *id, const char *what, const char *detail)
{
    hm_buf b = {0};
    int r = hm_buf_printf(&b, "rule %s %s%s%s", id, what, detail ? ": " : "", detail ? detail : "");
    char *s = r < 0 ? NULL : hm_arena_strndup(&res->arena, b.data, b.len);
    hm_buf_free(&b);
    if (!s || hm_vec_push(&res->errors, s) < 0)
        return HMMM_ENOMEM;
    return HMMM_OK;
}

static hmmm_status add_limit_error(hmmm_result *res, const char *id)
{
    return add_error(res, id,
                     "gave up on this document: its pattern ran over the match limit (is it a "
                     "runaway pattern?)",
                     NULL);
}

static hmmm_status add_compile_error(hmmm_result *res, const char *id, int ec)
{
    char msg[256];
    pcre2_get_error_message(ec, (PCRE2_UCHAR *)msg, sizeof msg);
    return add_error(res, id, "was not checked: its pattern does not compile", msg);
}

hmmm_status hmmm_check(const hmmm_ruleset *rs, const char *data, size_t len, hmmm_doctype type,
                       hmmm_result **out)
{
    return hmmm_check_with(rs, data, len, type, 0, out);
}

hmmm_status hmmm_check_with(const hmmm_ruleset *rs, const char *data, size_t len, hmmm_doctype type,
                            unsigned flags, hmmm_result **out)
{
    return hm_check_windowed(rs, data, len, type, flags, HM_WINDOW_EVERY, HM_WINDOW_KEEP, out);
}

hmmm_status hm_check_windowed(const hmmm_ruleset *rs, const char *data, size_t len,
                              hmmm_doctype type, unsigned flags, size_t window_every,
                              size_t window_keep, hmmm_result **out)
{
    *out = NULL;
    if (!rs->compiled)
        return HMMM_EINVAL;
    hmmm_result *res = hm_calloc(1, sizeof *res);
    if (!res)
        return HMMM_ENOMEM;
    int office = type == HMMM_DOCX || type == HMMM_ODT;
    if (office) {
        /* The file's paragraphs are the document from here on. */
        hm_buf text = {0}, why = {0};
        int r = hm_office_text(type, data, len, &text, &why);
        if (r == 0) {
            res->text_len = text.len;
            res->text = hm_buf_take(&text);
        } else if (r > 0) {
            res->unreadable = hm_arena_strndup(&res->arena, why.data, why.len);
        }
        hm_buf_free(&text);
        hm_buf_free(&why);
        if (r < 0 || (r == 0 && !res->text) || (r > 0 && !res->unreadable)) {
            hmmm_result_free(res);
            return HMMM_ENOMEM;
        }
        if (r > 0) {
            *out = res;
            return HMMM_OK;
        }
        data = res->text;
        len = res->text_len;
    }
    const char *encoding = !office && looks_binary(data, len) ? other_encoding(data, len) : NULL;
    if (encoding) {
        hm_buf b = {0};
        char *msg = NULL;
        if (hm_buf_printf(&b,
                          "the file is %s text (it starts with a %s byte order mark), and hmmm "
                          "reads UTF-8: save it as UTF-8 to have it checked",
                          encoding, encoding) == 0)
            msg = hm_arena_strndup(&res->arena, b.data, b.len);
        hm_buf_free(&b);
        if (!msg || hm_vec_push(&res->errors, msg) < 0) {
            hmmm_result_free(res);
            return HMMM_ENOMEM;
        }
        *out = res;
        return HMMM_OK;
    }
    if (!office && looks_binary(data, len)) {
        res->binary = 1;
        *out = res;
        return HMMM_OK;
    }
    hmmm_status st = HMMM_ENOMEM;
    hm_plain plain;
    hm_lines lines;
    directives ds = {0};
    checker ck = {.rs = rs, .res = res, .keep = window_keep};
    matcher *m = &ck.m;
    run *r = &ck.r;
    int have_plain = 0;

    m->mctx = pcre2_match_context_create(NULL);
    m->md = pcre2_match_data_create(1, NULL);
    /* No JIT stack of our own: the default one on the machine stack is
     * enough for these patterns, and making one per document costs two
     * system calls that threads then wait on. */
    if (!m->mctx || !m->md)
        goto done;
    pcre2_set_match_limit(m->mctx, MATCH_LIMIT);
    pcre2_set_depth_limit(m->mctx, DEPTH_LIMIT);
    pcre2_set_heap_limit(m->mctx, HEAP_LIMIT);
    if (!(m->near_ctx = pcre2_match_context_copy(m->mctx)))
        goto done;
    size_t n_rules = rs->active.n;
    r->m = m;
    r->rs = rs;
    r->flags = flags;
    r->res = res;
    r->next = hm_calloc(n_rules ? n_rules : 1, sizeof *r->next);
    r->tried = hm_calloc(n_rules ? n_rules : 1, sizeof *r->tried);
    r->dead = hm_calloc(n_rules ? n_rules : 1, 1);
    ck.full_from = hm_calloc(n_rules ? n_rules : 1, sizeof *ck.full_from);
    if (!r->next || !r->tried || !r->dead || !ck.full_from)
        goto done;

    /* A long Markdown document is checked a window at a time while md4c
     * parses it; anything else, or a short one, in one go. */
    int mr =
        type == HMMM_MARKDOWN
            ? hm_markup_markdown_flushing(&plain, data, len, (flags & HMMM_CHECK_TERMINATED) != 0,
                                          window_every, window_every ? check_some : NULL, &ck)
        : type == HMMM_HTML ? hm_markup_html(&plain, data, len)
        : office            ? hm_markup_lines(&plain, data, len)
                            : hm_markup_text(&plain, data, len);
    if (mr < 0)
        goto done;
    have_plain = 1;
    if (check_window(&ck, &plain, 1) < 0)
        goto done;
    hm_lines_init(&lines, data, len);
    if (scan_directives(&res->arena, data, len, &plain, &lines, &ds) < 0)
        goto done;

    /* In document order, so that the line cursor only moves forward. Each
     * candidate is read before its slot, or one before it, takes a finding. */
    if (r->n > 1)
        qsort(r->c, r->n, sizeof *r->c, cmp_cand);
    res->items = r->c;
    r->c = NULL;
    hm_lines_init(&lines, data, len);
    for (size_t i = 0; i < r->n; i++) {
        const cand c = res->items[i].c;
        hmmm_finding f = {.rule = &c.rule->pub,
                          .level = c.rule->pub.level,
                          .offset = c.offset,
                          .length = c.length,
                          .match = c.match,
                          .mention = c.mention};
        hm_lines_position(&lines, f.offset, &f.line, &f.column);
        hm_lines at_end = lines;
        hm_lines_position(&at_end, f.offset + f.length, &f.end_line, &f.end_column);
        if (suppressed(&ds, f.rule, f.offset, f.line))
            continue;
        /* The same rule on the same words once only. */
        if (res->n) {
            const hmmm_finding *last = &res->items[res->n - 1].f;
            if (last->rule == f.rule && last->offset == f.offset && last->length == f.length)
                continue;
        }
        if (!(f.message = fill_message(r, f.rule->message, f.match)))
            goto done;
        res->items[res->n++].f = f;
    }
    /* An HTML parser may move text (as browsers do with text inside a table
     * but outside its cells): findings still come in document order. */
    if (type == HMMM_HTML && res->n > 1)
        qsort(res->items, res->n, sizeof *res->items, cmp_finding_place);
    st = r->limits ? HMMM_ELIMIT : HMMM_OK;
done:
    hm_free(r->c);
    hm_strset_free(&r->strings);
    hm_buf_free(&r->scratch);
    hm_free(r->next);
    hm_free(r->tried);
    hm_free(r->dead);
    hm_free(ck.full_from);
    hm_free(ds.d);
    if (have_plain)
        hm_plain_free(&plain);
    pcre2_match_data_free(m->md);
    pcre2_match_context_free(m->mctx);
    pcre2_match_context_free(m->near_ctx);
    hm_free(m->pieces);
    if (st == HMMM_ENOMEM) {
        hmmm_result_free(res);
        return st;
    }
    *out = res;
    return st;
}
