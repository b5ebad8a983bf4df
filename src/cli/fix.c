/* fix.c - hmmm --fix and --diff: a fixable rule's first suggestion in place
 * of each of its matches, written back atomically or shown as a unified
 * diff. Only the matched words ever change. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* Whether the source bytes [S, S+N) are the matched words as written:
 * the same text, white space aside, with no markup between the words. */
static int plain_in_source(const char *s, size_t n, const char *match)
{
    size_t i = 0;
    const char *m = match;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
                i++;
            if (*m != ' ')
                return 0;
            m++;
            continue;
        }
        if (*m != s[i])
            return 0;
        m++;
        i++;
    }
    return *m == '\0';
}

void put_in_case(char *out, const char *suggestion, const char *original, size_t n)
{
    size_t len = strlen(suggestion), letters = 0, upper = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)original[i];
        letters += (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        upper += c >= 'A' && c <= 'Z';
    }
    memcpy(out, suggestion, len);
    if (letters > 1 && upper == letters) {
        for (size_t i = 0; i < len; i++)
            if (out[i] >= 'a' && out[i] <= 'z')
                out[i] = (char)(out[i] - 32);
    } else if (n && original[0] >= 'A' && original[0] <= 'Z' && out[0] >= 'a' && out[0] <= 'z') {
        out[0] = (char)(out[0] - 32);
    }
}

char *fix_apply(const char *data, size_t len, const hmmm_finding *const *fs, size_t n,
                size_t *new_len, fix_edit **edits, size_t *n_edits)
{
    size_t grow = 0;
    for (size_t i = 0; i < n; i++)
        if (fs[i]->rule->fix && fs[i]->rule->n_suggest)
            grow += strlen(fs[i]->rule->suggest[0]);
    char *out = malloc(len + grow + 1);
    fix_edit *e = malloc((n ? n : 1) * sizeof *e);
    if (!out || !e) {
        free(out);
        free(e);
        return NULL;
    }
    size_t k = 0, from = 0, count = 0;
    for (size_t i = 0; i < n; i++) {
        const hmmm_finding *x = fs[i];
        if (!x->rule->fix || !x->rule->n_suggest || x->offset < from ||
            !plain_in_source(data + x->offset, x->length, x->match))
            continue;
        memcpy(out + k, data + from, x->offset - from);
        k += x->offset - from;
        const char *sug = x->rule->suggest[0];
        put_in_case(out + k, sug, data + x->offset, x->length);
        e[count++] = (fix_edit){x->offset, x->length, k, strlen(sug)};
        k += strlen(sug);
        from = x->offset + x->length;
    }
    memcpy(out + k, data + from, len - from);
    k += len - from;
    out[k] = '\0';
    *new_len = k;
    *edits = e;
    *n_edits = count;
    return out;
}

/* ---- unified diff ------------------------------------------------------ */

#define CONTEXT 3

/* The starts of the lines of TEXT: LINE[i] is where line i starts, and
 * LINE[n] == len. NULL when out of memory. */
static size_t *line_starts(const char *text, size_t len, size_t *n)
{
    size_t count = 1;
    for (size_t i = 0; i < len; i++)
        count += text[i] == '\n' && i + 1 < len;
    size_t *l = malloc((count + 1) * sizeof *l);
    if (!l)
        return NULL;
    size_t k = 0;
    l[k++] = 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n' && i + 1 < len)
            l[k++] = i + 1;
    l[k] = len;
    *n = len ? count : 0;
    return l;
}

/* The line of TEXT (starts L, N lines) that byte OFF is on. */
static size_t line_of(const size_t *l, size_t n, size_t off)
{
    size_t lo = 0, hi = n ? n - 1 : 0;
    while (lo < hi) {
        size_t mid = (lo + hi + 1) / 2;
        if (l[mid] <= off)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

static void put_line(FILE *out, char mark, const char *text, const size_t *l, size_t i)
{
    size_t s = l[i], e = l[i + 1];
    fputc(mark, out);
    fwrite(text + s, 1, e - s, out);
    if (e == s || text[e - 1] != '\n')
        fputs("\n\\ No newline at end of file\n", out);
}

/* A run of changed lines: old lines [OA, OB] became new lines [NA, NB]. */
typedef struct block {
    size_t oa, ob, na, nb;
} block;

int fix_diff(FILE *out, const char *name, const char *old, size_t old_len, const char *new,
             size_t new_len, const fix_edit *edits, size_t n_edits)
{
    size_t n_old, n_new;
    size_t *lo = line_starts(old, old_len, &n_old), *ln = line_starts(new, new_len, &n_new);
    block *b = malloc((n_edits ? n_edits : 1) * sizeof *b);
    if (!lo || !ln || !b) {
        free(lo);
        free(ln);
        free(b);
        return -1;
    }
    /* Each edit's lines, joined with the block before when they share or
     * follow its lines. */
    size_t nb = 0;
    for (size_t i = 0; i < n_edits; i++) {
        const fix_edit *e = &edits[i];
        block x = {line_of(lo, n_old, e->old_off),
                   line_of(lo, n_old, e->old_off + (e->old_len ? e->old_len - 1 : 0)),
                   line_of(ln, n_new, e->new_off),
                   line_of(ln, n_new, e->new_off + (e->new_len ? e->new_len - 1 : 0))};
        if (nb && x.oa <= b[nb - 1].ob + 1) {
            b[nb - 1].ob = x.ob > b[nb - 1].ob ? x.ob : b[nb - 1].ob;
            b[nb - 1].nb = x.nb > b[nb - 1].nb ? x.nb : b[nb - 1].nb;
        } else {
            b[nb++] = x;
        }
    }
    fprintf(out, "--- a/%s\n+++ b/%s\n", name, name);
    for (size_t i = 0; i < nb;) {
        /* A hunk: blocks whose context would touch. */
        size_t j = i;
        while (j + 1 < nb && b[j + 1].oa - b[j].ob - 1 <= 2 * CONTEXT)
            j++;
        size_t os = b[i].oa > CONTEXT ? b[i].oa - CONTEXT : 0;
        size_t oe = b[j].ob + CONTEXT < n_old ? b[j].ob + CONTEXT : n_old - 1;
        size_t ns = b[i].na - (b[i].oa - os), ne = b[j].nb + (oe - b[j].ob);
        fprintf(out, "@@ -%zu,%zu +%zu,%zu @@\n", os + 1, oe - os + 1, ns + 1, ne - ns + 1);
        size_t k = i;
        for (size_t line = os; line <= oe;) {
            if (k <= j && line == b[k].oa) {
                for (size_t t = b[k].oa; t <= b[k].ob; t++)
                    put_line(out, '-', old, lo, t);
                for (size_t t = b[k].na; t <= b[k].nb; t++)
                    put_line(out, '+', new, ln, t);
                line = b[k].ob + 1;
                k++;
            } else {
                put_line(out, ' ', old, lo, line);
                line++;
            }
        }
        i = j + 1;
    }
    free(lo);
    free(ln);
    free(b);
    return 0;
}

/* ---- writing back ------------------------------------------------------ */

/* Whether PATH still holds exactly OLD. */
static int unchanged(const char *path, const char *old, size_t old_len)
{
    input now = {0};
    if (input_read_path(path, &now) != 0)
        return 0;
    int same = now.len == old_len && !memcmp(now.data, old, old_len);
    input_free(&now);
    return same;
}

int fix_write(const char *path, const char *old, size_t old_len, const char *new, size_t new_len)
{
    /* A link is followed: the file it names is rewritten, the link kept. */
    char real[PATH_MAX];
    if (!realpath(path, real))
        return errno;
    struct stat st;
    if (stat(real, &st) != 0)
        return errno;
    if (!unchanged(real, old, old_len))
        return ESTALE;
    char tmp[PATH_MAX + 32];
    const char *slash = strrchr(real, '/');
    int dir = (int)(slash - real);
    if (snprintf(tmp, sizeof tmp, "%.*s/.%s.hmmm-XXXXXX", dir, real, slash + 1) >= (int)sizeof tmp)
        return ENAMETOOLONG;
    int fd = mkstemp(tmp);
    if (fd < 0)
        return errno;
    int e = 0;
    for (size_t done = 0; !e && done < new_len;) {
        ssize_t w = write(fd, new + done, new_len - done);
        if (w < 0 && errno != EINTR)
            e = errno;
        else if (w > 0)
            done += (size_t)w;
    }
    if (!e && fchmod(fd, st.st_mode & 07777) != 0)
        e = errno;
    if (!e && fchown(fd, st.st_uid, st.st_gid) != 0 && errno != EPERM)
        e = errno;
    if (!e && fsync(fd) != 0)
        e = errno;
    if (close(fd) != 0 && !e)
        e = errno;
    /* Read once more: a file changed while this was written is kept. */
    if (!e && !unchanged(real, old, old_len))
        e = ESTALE;
    if (!e && rename(tmp, real) != 0)
        e = errno;
    if (e)
        unlink(tmp);
    return e;
}
