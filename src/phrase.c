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

/* The pattern for the N bytes of a phrase at P, but for the (?<!\w) that
 * goes before it when it starts with a word character. */
static int phrase_body(hm_buf *out, const unsigned char *p, size_t n)
{
    int ends_in_word = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        int r;
        ends_in_word = 0;
        if (is_space((char)c)) {
            while (i + 1 < n && is_space((char)p[i + 1]))
                i++;
            r = hm_buf_adds(out, BETWEEN);
        } else if (c == '-') {
            r = hm_buf_adds(out, INNER_HYPHEN);
        } else if (c == '\'') {
            r = hm_buf_adds(out, APOSTROPHE);
        } else if (c == 0xE2 && i + 2 < n && p[i + 1] == 0x80 &&
                   (p[i + 2] == 0x98 || p[i + 2] == 0x99)) {
            r = hm_buf_adds(out, APOSTROPHE); /* U+2018, U+2019 */
            i += 2;
        } else if (c == 0xE2 && i + 2 < n && p[i + 1] == 0x80 &&
                   (p[i + 2] == 0x90 || p[i + 2] == 0x91)) {
            r = hm_buf_adds(out, INNER_HYPHEN); /* U+2010, U+2011 */
            i += 2;
        } else if (c == '*' && (i + 1 == n || is_space((char)p[i + 1]))) {
            /* What follows is the end of the word or the gap to the next:
             * never a word character, so giving characters back cannot
             * help, and the pattern does not try. */
            r = hm_buf_adds(out, "\\w*+");
            ends_in_word = 1;
        } else if (c < 0x80 && !is_word_byte(c)) {
            char esc[3] = {'\\', (char)c, 0};
            r = hm_buf_adds(out, esc);
        } else {
            r = hm_buf_addc(out, (char)c);
            ends_in_word = 1;
        }
        if (r < 0)
            return -1;
    }
    if (ends_in_word && hm_buf_adds(out, "(?!\\w)") < 0)
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
    return phrase_body(out, p, n);
}

static int ascii_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* When every phrase starts with an ASCII letter or digit, the word start is
 * asserted once, and the phrases are grouped by their first letter, so that
 * a search tries one group where a word starts instead of every phrase
 * everywhere. Phrases with different first letters cannot match at the
 * same place, even without regard to case, so only the order within a
 * group matters, and it is kept: the match is the one the plain list
 * gives. Otherwise the phrases are listed one after another. */
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
    if (hm_buf_adds(out, "(?<!\\w)(?:") < 0)
        return -1;
    int first_group = 1;
    for (unsigned c = 0; c < 128; c++) {
        if (!ascii_alnum((unsigned char)c) || lower((unsigned char)c) != c)
            continue;
        /* The group's phrases, in their order; each starts with C in one
         * case or the other, and both cases take the letter as written. */
        int any = 0;
        for (size_t i = 0; i < n; i++) {
            const unsigned char *p;
            size_t len;
            trim(phrases[i], &p, &len);
            if (lower(p[0]) != c)
                continue;
            if ((any ? hm_buf_addc(out, '|') : hm_buf_adds(out, first_group ? "(?:" : "|(?:")) <
                    0 ||
                hm_buf_adds(out, "(?:") < 0 || phrase_body(out, p, len) < 0 ||
                hm_buf_addc(out, ')') < 0)
                return -1;
            any = 1;
            first_group = 0;
        }
        if (any && hm_buf_addc(out, ')') < 0)
            return -1;
    }
    return hm_buf_addc(out, ')');
}
