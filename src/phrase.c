/* phrase.c - turns a rule's "words" phrase into a PCRE2 pattern.
 *
 * A phrase is words separated by white space. The pattern matches whole
 * words; between two words it allows any horizontal white space with at most
 * one line break, or a hyphen. A hyphen inside a word matches a hyphen, white
 * space or nothing; a straight or curly apostrophe matches either; a '*' at
 * the end of a word matches any continuation of it. Everything else is
 * literal. */
#include <string.h>

#include "internal.h"

#define HYPHENS "-\\x{2010}\\x{2011}"
#define BETWEEN "(?:\\h*\\R\\h*|\\h+|[" HYPHENS "])"
#define INNER_HYPHEN "(?:[" HYPHENS "]|\\h*\\R\\h*|\\h+)?"
#define APOSTROPHE "['\\x{2018}\\x{2019}]"

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int is_word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c >= 0x80;
}

/* PHRASE without the white space around it, in *P and *N. */
static void trim(const char *phrase, const unsigned char **p, size_t *n)
{
    *p = (const unsigned char *)phrase;
    *n = strlen(phrase);
    while (*n && is_space((char)(*p)[*n - 1]))
        (*n)--;
    while (*n && is_space((char)**p)) {
        (*p)++;
        (*n)--;
    }
}

/* A phrase's pattern is a run of pieces, each standing for one thing in
 * the phrase; a list of phrases shares the pieces its phrases begin with
 * (see hm_phrases_regex). What a piece may match decides whether it can be
 * shared:
 * - P_CHAR, an ASCII letter or digit, and P_FIXED (another character, an
 *   apostrophe, the rest of a word after a '*', or the end of the word)
 *   match in at most one way where they are tried;
 * - P_GAP, the gap between two words, and P_OTHER, a hyphen inside a
 *   word (which may also be a gap, or nothing), take only characters that
 *   are not letters or digits, so they may end in more than one place, but
 *   not when a letter or digit must come next. */
enum { P_CHAR, P_FIXED, P_GAP, P_OTHER };

typedef struct piece {
    size_t off, len; /* its pattern, in the phrase's */
    int kind;
    unsigned char ch; /* a P_CHAR's character */
} piece;

typedef struct pieces {
    hm_buf text;
    piece *v;
    size_t n, cap;
} pieces;

/* Appends piece TEXT of KIND (and character CH) to OUT and, unless PS is
 * NULL, records it there. */
static int add_piece(hm_buf *out, pieces *ps, const char *text, size_t len, int kind,
                     unsigned char ch)
{
    size_t off = out->len;
    if (hm_buf_add(out, text, len) < 0)
        return -1;
    if (!ps)
        return 0;
    if (hm_grow((void **)&ps->v, &ps->cap, ps->n + 1, sizeof(piece)) < 0)
        return -1;
    ps->v[ps->n++] = (piece){off, len, kind, ch};
    return 0;
}

static int add_piece_s(hm_buf *out, pieces *ps, const char *text, int kind)
{
    return add_piece(out, ps, text, strlen(text), kind, 0);
}

/* The pattern for the N bytes of a phrase at P, but for the (?<!\w) that
 * goes before it when it starts with a word character; its pieces go into
 * PS unless it is NULL. */
static int phrase_body(hm_buf *out, const unsigned char *p, size_t n, pieces *ps)
{
    int ends_in_word = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        int r;
        ends_in_word = 0;
        if (is_space((char)c)) {
            while (i + 1 < n && is_space((char)p[i + 1]))
                i++;
            r = add_piece_s(out, ps, BETWEEN, P_GAP);
        } else if (c == '-') {
            r = add_piece_s(out, ps, INNER_HYPHEN, P_OTHER);
        } else if (c == '\'') {
            r = add_piece_s(out, ps, APOSTROPHE, P_FIXED);
        } else if (c == 0xE2 && i + 2 < n && p[i + 1] == 0x80 &&
                   (p[i + 2] == 0x98 || p[i + 2] == 0x99)) {
            r = add_piece_s(out, ps, APOSTROPHE, P_FIXED); /* U+2018, U+2019 */
            i += 2;
        } else if (c == 0xE2 && i + 2 < n && p[i + 1] == 0x80 &&
                   (p[i + 2] == 0x90 || p[i + 2] == 0x91)) {
            r = add_piece_s(out, ps, INNER_HYPHEN, P_OTHER); /* U+2010, U+2011 */
            i += 2;
        } else if (c == '*' && (i + 1 == n || is_space((char)p[i + 1]))) {
            /* What follows is the end of the word or the gap to the next:
             * never a word character, so giving characters back cannot
             * help, and the pattern does not try. */
            r = add_piece_s(out, ps, "\\w*+", P_FIXED);
            ends_in_word = 1;
        } else if (c < 0x80 && !is_word_byte(c)) {
            char esc[3] = {'\\', (char)c, 0};
            r = add_piece_s(out, ps, esc, P_FIXED);
        } else if (c >= 0x80) {
            /* A character beyond ASCII: its bytes together. */
            size_t k = 1;
            while (i + k < n && (p[i + k] & 0xC0) == 0x80)
                k++;
            r = add_piece(out, ps, (const char *)p + i, k, P_FIXED, 0);
            i += k - 1;
            ends_in_word = 1;
        } else {
            int alnum = c != '_';
            r = add_piece(out, ps, (const char *)&c, 1, alnum ? P_CHAR : P_FIXED, c);
            ends_in_word = 1;
        }
        if (r < 0)
            return -1;
    }
    if (ends_in_word && add_piece_s(out, ps, "(?!\\w)", P_FIXED) < 0)
        return -1;
    return 0;
}

int hm_phrase_regex(hm_buf *out, const char *phrase)
{
    const unsigned char *p;
    size_t n;
    trim(phrase, &p, &n);
    if (n && is_word_byte(p[0]) && hm_buf_adds(out, "(?<!\\w)") < 0)
        return -1;
    return phrase_body(out, p, n, NULL);
}

/* How deep shared pieces may nest, well inside PCRE2's limit on nested
 * parentheses; deeper, phrases are listed one after another. */
#define MAX_SHARED 16

/* Whether phrase A's piece D can be shared with the phrases that have the
 * same piece there: it matches in one way only, or it is a gap or hyphen
 * followed by a letter or digit, which fixes where it ends. */
static int shareable(const pieces *a, size_t d)
{
    if (d >= a->n)
        return 0;
    int kind = a->v[d].kind;
    return kind == P_CHAR || kind == P_FIXED ||
           ((kind == P_GAP || kind == P_OTHER) && d + 1 < a->n && a->v[d + 1].kind == P_CHAR);
}

static int same_piece(const pieces *a, const pieces *b, size_t d)
{
    return d < a->n && d < b->n && a->v[d].len == b->v[d].len &&
           !memcmp(a->text.data + a->v[d].off, b->text.data + b->v[d].off, a->v[d].len);
}

static int add_rest(hm_buf *out, const pieces *a, size_t d)
{
    if (d >= a->n)
        return 0;
    return hm_buf_add(out, a->text.data + a->v[d].off, a->text.len - a->v[d].off);
}

static int add_list(hm_buf *out, const pieces *ph, const size_t *idx, size_t n, size_t d,
                    int level);

/* The phrases IDX (N of them, in order), which share their first D pieces,
 * as alternatives: phrases next to each other that go on with the same
 * shareable piece share it. */
static int add_runs(hm_buf *out, const pieces *ph, const size_t *idx, size_t n, size_t d, int level)
{
    for (size_t i = 0, j; i < n; i = j) {
        j = i + 1;
        if (level < MAX_SHARED && shareable(&ph[idx[i]], d))
            while (j < n && shareable(&ph[idx[j]], d) && same_piece(&ph[idx[i]], &ph[idx[j]], d))
                j++;
        if ((i && hm_buf_addc(out, '|') < 0) ||
            (j - i == 1 ? add_rest(out, &ph[idx[i]], d)
                        : add_list(out, ph, idx + i, j - i, d, level + 1)) < 0)
            return -1;
    }
    return 0;
}

static unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* The phrases IDX (N of them, in order, sharing their first D pieces): the
 * pieces they all share next, then the ways they part. Where each goes on
 * with a letter or digit, they are grouped by it: phrases that go on with
 * different letters cannot match at the same place, even without regard
 * to case, so only the order within a group matters, and it is kept. */
static int add_list(hm_buf *out, const pieces *ph, const size_t *idx, size_t n, size_t d, int level)
{
    for (;;) {
        int all = n > 1;
        for (size_t i = 0; all && i < n; i++)
            all = shareable(&ph[idx[i]], d) && same_piece(&ph[idx[0]], &ph[idx[i]], d);
        if (!all)
            break;
        const piece *pc = &ph[idx[0]].v[d];
        if (hm_buf_add(out, ph[idx[0]].text.data + pc->off, pc->len) < 0)
            return -1;
        d++;
    }
    if (n == 1)
        return add_rest(out, &ph[idx[0]], d);
    int letters = level < MAX_SHARED;
    for (size_t i = 0; letters && i < n; i++)
        letters = d < ph[idx[i]].n && ph[idx[i]].v[d].kind == P_CHAR;
    if (hm_buf_adds(out, "(?:") < 0)
        return -1;
    if (!letters) {
        if (add_runs(out, ph, idx, n, d, level) < 0)
            return -1;
        return hm_buf_addc(out, ')');
    }
    size_t *group = hm_malloc(n * sizeof *group);
    unsigned char *taken = hm_calloc(n, 1);
    int r = group && taken ? 0 : -1;
    for (size_t i = 0, first = 1; r == 0 && i < n; i++) {
        if (taken[i])
            continue;
        unsigned char c = lower(ph[idx[i]].v[d].ch);
        size_t m = 0;
        for (size_t j = i; j < n; j++)
            if (!taken[j] && lower(ph[idx[j]].v[d].ch) == c) {
                taken[j] = 1;
                group[m++] = idx[j];
            }
        if (!first)
            r = hm_buf_addc(out, '|');
        if (r == 0)
            r = add_runs(out, ph, group, m, d, level);
        first = 0;
    }
    hm_free(group);
    hm_free(taken);
    return r < 0 ? -1 : hm_buf_addc(out, ')');
}

static int ascii_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* When every phrase starts with an ASCII letter or digit, the word start is
 * asserted once, and the phrases share the pieces they begin with, as a
 * tree (see add_list): a search tries one branch where a word starts
 * instead of every phrase, and a phrase's first words are matched once
 * for all the phrases that begin with them. Sharing a piece does not
 * change which phrase matches where, as it matches in only one way there
 * (see shareable); so the match is the one the plain list gives.
 * Otherwise the phrases are listed one after another. */
int hm_phrases_regex(hm_buf *out, char *const *phrases, size_t n)
{
    int grouped = n > 0;
    for (size_t i = 0; i < n && grouped; i++) {
        const unsigned char *p;
        size_t len;
        trim(phrases[i], &p, &len);
        grouped = len > 0 && ascii_alnum(p[0]);
    }
    if (!grouped) {
        for (size_t i = 0; i < n; i++)
            if ((i && hm_buf_addc(out, '|') < 0) || hm_buf_adds(out, "(?:") < 0 ||
                hm_phrase_regex(out, phrases[i]) < 0 || hm_buf_addc(out, ')') < 0)
                return -1;
        return 0;
    }
    pieces *ph = hm_calloc(n, sizeof *ph);
    size_t *idx = hm_malloc(n * sizeof *idx);
    int r = ph && idx ? 0 : -1;
    for (size_t i = 0; r == 0 && i < n; i++) {
        const unsigned char *p;
        size_t len;
        trim(phrases[i], &p, &len);
        r = phrase_body(&ph[i].text, p, len, &ph[i]);
        idx[i] = i;
    }
    if (r == 0)
        r = hm_buf_adds(out, "(?<!\\w)(?:");
    if (r == 0)
        r = add_list(out, ph, idx, n, 0, 0);
    if (r == 0)
        r = hm_buf_addc(out, ')');
    for (size_t i = 0; ph && i < n; i++) {
        hm_buf_free(&ph[i].text);
        hm_free(ph[i].v);
    }
    hm_free(ph);
    hm_free(idx);
    return r;
}
