/* source.c - where an offset in a document is: its line and column, found
 * by moving forward through the text, and the document's word count.
 *
 * Findings are placed in order of offset, so a cursor that only moves
 * forward counts each line break once and needs no table of lines. Counting
 * line breaks and words looks at 16 bytes at a time where the processor
 * allows it. */
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "internal.h"

void hm_lines_init(hm_lines *t, const char *data, size_t len)
{
    t->data = data;
    t->len = len;
    t->cr = memchr(data, '\r', len) != NULL;
    t->pos = 0;
    t->line_start = 0;
    t->line = 1;
    t->col_pos = 0;
    t->col = 0;
}

/* Line feeds in [S, S + N). */
static size_t count_lf(const unsigned char *s, size_t n)
{
    size_t count = 0, i = 0;
#if defined(__SSE2__)
    const __m128i lf = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
    while (n - i >= 16) {
        /* Byte counters take at most 255 blocks before they are summed. */
        size_t blocks = (n - i) / 16;
        if (blocks > 255)
            blocks = 255;
        __m128i acc = zero;
        for (size_t b = 0; b < blocks; b++, i += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(s + i));
            acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(v, lf));
        }
        __m128i sums = _mm_sad_epu8(acc, zero);
        count += (size_t)_mm_cvtsi128_si32(sums) + (size_t)_mm_extract_epi16(sums, 4);
    }
#endif
    for (; i < n; i++)
        count += s[i] == '\n';
    return count;
}

/* Moves T forward to OFFSET: the line holding it and where that starts. */
static void advance(hm_lines *t, size_t offset)
{
    const unsigned char *s = (const unsigned char *)t->data;
    if (offset > t->len)
        offset = t->len;
    if (offset < t->pos) {
        t->pos = 0;
        t->line_start = 0;
        t->line = 1;
    }
    size_t n = count_lf(s + t->pos, offset - t->pos);
    if (n) {
        t->line += (unsigned)n;
        const unsigned char *last = memrchr(s + t->pos, '\n', offset - t->pos);
        t->line_start = (size_t)(last - s) + 1;
    }
    /* A CR LF is one break, and so is a CR or an LF alone: the LFs are
     * counted, and the CRs not followed by one (rare, so found by jumping
     * from one CR to the next). */
    if (t->cr) {
        const unsigned char *end = s + offset;
        for (const unsigned char *p = memchr(s + t->pos, '\r', offset - t->pos); p;
             p = memchr(p + 1, '\r', (size_t)(end - p - 1))) {
            if ((size_t)(p + 1 - s) < t->len && p[1] == '\n')
                continue;
            t->line++;
            if ((size_t)(p + 1 - s) > t->line_start)
                t->line_start = (size_t)(p + 1 - s);
        }
    }
    t->pos = offset;
}

void hm_lines_position(hm_lines *t, size_t offset, unsigned *line, unsigned *column)
{
    size_t line_was = t->line_start;
    advance(t, offset);
    *line = t->line;
    /* Characters are counted on from the last position asked for when it is
     * on the same line, so a very long line is counted once, not once for
     * every finding on it. */
    if (t->line_start != line_was || t->col_pos < t->line_start || t->col_pos > t->pos) {
        t->col_pos = t->line_start;
        t->col = 0;
    }
    t->col += hm_utf8_count(t->data + t->col_pos, t->pos - t->col_pos);
    t->col_pos = t->pos;
    size_t col = t->col + 1;
    /* A byte order mark is not a character anyone sees. */
    const unsigned char *d = (const unsigned char *)t->data;
    if (t->line_start == 0 && t->pos >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF)
        col--;
    *column = (unsigned)col;
}

/* ASCII bytes that belong to a word, for counting words (and every byte of
 * a character beyond ASCII does). */
static int wordy(unsigned char c)
{
    return c >= 0x80 || c == '\'' || (c >= '0' && c <= '9') ||
           ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Set bits in X. */
static unsigned bits16(unsigned x)
{
    x = x - ((x >> 1) & 0x5555u);
    x = (x & 0x3333u) + ((x >> 2) & 0x3333u);
    x = (x + (x >> 4)) & 0x0F0Fu;
    return (x + (x >> 8)) & 0x1Fu;
}

size_t hm_count_words(const char *text, size_t n)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t words = 0, i = 0;
    unsigned in = 0; /* whether the byte before is part of a word */
#if defined(__SSE2__)
    const __m128i case_bit = _mm_set1_epi8(0x20), lower_a = _mm_set1_epi8('a');
    const __m128i zero = _mm_set1_epi8('0'), apostrophe = _mm_set1_epi8('\'');
    const __m128i k25 = _mm_set1_epi8(25), k9 = _mm_set1_epi8(9), high = _mm_set1_epi8((char)0x80);
    for (; n - i >= 16; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(s + i));
        __m128i l = _mm_sub_epi8(_mm_or_si128(v, case_bit), lower_a);
        __m128i d = _mm_sub_epi8(v, zero);
        __m128i w = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(l, k25), l),
                                 _mm_cmpeq_epi8(_mm_min_epu8(d, k9), d));
        w = _mm_or_si128(w, _mm_cmpeq_epi8(v, apostrophe));
        w = _mm_or_si128(w, _mm_cmpeq_epi8(_mm_and_si128(v, high), high));
        unsigned m = (unsigned)_mm_movemask_epi8(w);
        words += bits16(m & ~((m << 1) | in) & 0xFFFFu);
        in = m >> 15;
    }
#endif
    for (; i < n; i++) {
        unsigned w = (unsigned)wordy(s[i]);
        words += w & ~in;
        in = w;
    }
    return words;
}
