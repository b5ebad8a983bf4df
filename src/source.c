/* source.c - a document's line table: byte offsets to line and column. */
#include <string.h>

#include "internal.h"

int hm_lines_build(hm_lines *t, const char *data, size_t len)
{
    size_t cap = 64, n = 0;
    size_t *start = hm_malloc(cap * sizeof *start);
    if (!start)
        return -1;
    start[n++] = 0;
    /* Without a carriage return anywhere, memchr finds the line ends fast. */
    if (!memchr(data, '\r', len)) {
        for (const char *p = data, *end = data + len; (p = memchr(p, '\n', (size_t)(end - p)));) {
            p++;
            if (n == cap) {
                size_t *grown = hm_realloc(start, cap * 2 * sizeof *grown);
                if (!grown) {
                    hm_free(start);
                    return -1;
                }
                start = grown;
                cap *= 2;
            }
            start[n++] = (size_t)(p - data);
        }
        t->start = start;
        t->n = n;
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        char c = data[i];
        if (c != '\n' && c != '\r')
            continue;
        if (c == '\r' && i + 1 < len && data[i + 1] == '\n')
            i++;
        if (n == cap) {
            size_t *s = hm_realloc(start, cap * 2 * sizeof *s);
            if (!s) {
                hm_free(start);
                return -1;
            }
            start = s;
            cap *= 2;
        }
        start[n++] = i + 1;
    }
    t->start = start;
    t->n = n;
    return 0;
}

void hm_lines_free(hm_lines *t)
{
    hm_free(t->start);
    t->start = NULL;
    t->n = 0;
}

size_t hm_lines_find(const hm_lines *t, size_t offset)
{
    size_t lo = 0, hi = t->n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->start[mid] <= offset)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

void hm_lines_position(const hm_lines *t, const char *data, size_t offset, unsigned *line,
                       unsigned *column)
{
    size_t i = hm_lines_find(t, offset);
    *line = (unsigned)(i + 1);
    size_t col = hm_utf8_count(data + t->start[i], offset - t->start[i]) + 1;
    /* A byte order mark is not a character anyone sees. */
    if (i == 0 && offset >= 3 && (unsigned char)data[0] == 0xEF && (unsigned char)data[1] == 0xBB &&
        (unsigned char)data[2] == 0xBF)
        col--;
    *column = (unsigned)col;
}
