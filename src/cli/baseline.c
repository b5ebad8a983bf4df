/* baseline.c - --write-baseline and --baseline: the findings a repository
 * already had, so that only new ones are reported. A finding is known by
 * its file, its rule, the words it matched and the two words either side
 * of them in its sentence, never by its line, so an edit above it does not
 * bring it back.
 * The same words in the same place twice are two findings. */
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define AROUND 2 /* words kept either side of a match */

struct baseline {
    json_t *counts;  /* fingerprint -> how many are still to be matched */
    json_t *written; /* with --write-baseline: the entries to write */
    size_t taken;    /* findings matched, and so not reported */
};

static int is_word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

/* Whether byte C ends a sentence, past which no word counts as around a
 * match. */
static int ends_sentence(unsigned char c)
{
    return c == '.' || c == '!' || c == '?' || c == ';' || c == ':';
}

/* Up to AROUND words of DATA before FROM (BACK) or from FROM on, in the
 * same sentence, lower case, separated by single spaces, into OUT (of SIZE
 * bytes). */
static void words_near(const char *data, size_t len, size_t from, int back, char *out, size_t size)
{
    size_t starts[AROUND], ends[AROUND], n = 0;
    if (back) {
        size_t i = from;
        while (n < AROUND && i > 0) {
            while (i > 0 && !is_word_byte((unsigned char)data[i - 1])) {
                if (ends_sentence((unsigned char)data[i - 1]))
                    i = 0;
                else
                    i--;
            }
            size_t e = i;
            while (i > 0 && is_word_byte((unsigned char)data[i - 1]))
                i--;
            if (e > i) {
                starts[AROUND - 1 - n] = i;
                ends[AROUND - 1 - n] = e;
                n++;
            }
        }
    } else {
        size_t i = from;
        while (n < AROUND && i < len) {
            while (i < len && !is_word_byte((unsigned char)data[i])) {
                if (ends_sentence((unsigned char)data[i]))
                    i = len;
                else
                    i++;
            }
            size_t s = i;
            while (i < len && is_word_byte((unsigned char)data[i]))
                i++;
            if (i > s) {
                starts[n] = s;
                ends[n] = i;
                n++;
            }
        }
    }
    size_t first = back ? AROUND - n : 0, k = 0;
    out[0] = '\0';
    for (size_t w = first; w < first + n; w++) {
        for (size_t i = starts[w]; i < ends[w] && k + 2 < size; i++) {
            char c = data[i];
            out[k++] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
        }
        if (w + 1 < first + n && k + 2 < size)
            out[k++] = ' ';
    }
    out[k] = '\0';
}

/* Replaces each byte of S that does not begin a whole UTF-8 character
 * (bytes cut short, stray continuations) with '?', so that S can be a JSON
 * string. */
static void clean_utf8(char *s)
{
    unsigned char *p = (unsigned char *)s;
    size_t left = strlen(s);
    while (left) {
        size_t n = utf8_char(p, left);
        if (!n) {
            *p = '?';
            n = 1;
        }
        p += n;
        left -= n;
    }
}

/* The parts a finding is known by, as written to a baseline. */
typedef struct print {
    char *path, *match;
    char before[128], after[128];
} print;

/* Fills P for finding X of the document PATH (DATA, LEN bytes). -1 when
 * out of memory; free it with print_free either way. */
static int print_of(const char *path, const char *data, size_t len, const hmmm_finding *x, print *p)
{
    words_near(data, len, x->offset, 1, p->before, sizeof p->before);
    words_near(data, len, x->offset + x->length, 0, p->after, sizeof p->after);
    p->path = strdup(path);
    p->match = strdup(x->match);
    if (!p->path || !p->match)
        return -1;
    clean_utf8(p->before);
    clean_utf8(p->after);
    clean_utf8(p->path);
    clean_utf8(p->match);
    return 0;
}

static void print_free(print *p)
{
    free(p->path);
    free(p->match);
}

/* The key of an entry in the counts: its parts joined by a unit
 * separator. NULL when out of memory. */
static char *key_of(const char *path, const char *rule, const char *match, const char *before,
                    const char *after)
{
    size_t n = strlen(path) + strlen(rule) + strlen(match) + strlen(before) + strlen(after) + 5;
    char *k = malloc(n);
    if (k)
        snprintf(k, n, "%s\x1f%s\x1f%s\x1f%s\x1f%s", path, rule, match, before, after);
    return k;
}

void finding_fingerprint(const char *data, size_t len, const hmmm_finding *x, char out[17])
{
    char before[128], after[128];
    words_near(data, len, x->offset, 1, before, sizeof before);
    words_near(data, len, x->offset + x->length, 0, after, sizeof after);
    /* FNV-1a, 64 bits, over the parts with a separator between them. */
    uint64_t h = 0xcbf29ce484222325u;
    const char *parts[] = {x->rule->id, x->match, before, after};
    for (size_t k = 0; k < 4; k++) {
        for (const unsigned char *p = (const unsigned char *)parts[k]; *p; p++)
            h = (h ^ *p) * 0x100000001b3u;
        h = (h ^ 0x1f) * 0x100000001b3u;
    }
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

static int count_in(json_t *counts, const char *key, json_int_t by)
{
    json_int_t now = json_integer_value(json_object_get(counts, key));
    return json_object_set_new(counts, key, json_integer(now + by));
}

baseline *baseline_new(void)
{
    baseline *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->counts = json_object();
    b->written = json_array();
    if (!b->counts || !b->written) {
        baseline_free(b);
        return NULL;
    }
    return b;
}

void baseline_free(baseline *b)
{
    if (!b)
        return;
    json_decref(b->counts);
    json_decref(b->written);
    free(b);
}

int baseline_load(baseline *b, const char *path)
{
    input in = {0};
    int err = input_read_path(path, &in);
    if (err) {
        if (err == ENOMEM)
            errorf("out of memory reading the baseline %s", path);
        else
            fprintf(stderr, "%s: error: cannot read the baseline: %s\n", path, strerror(err));
        return -1;
    }
    json_error_t e;
    /* jansson's reader can lose a character, or call it bad syntax, when
     * an allocation fails; any failure at all makes the read void. */
    json_memory_reset();
    json_t *root = json_loadb(in.data, in.len, JSON_REJECT_DUPLICATES, &e);
    input_free(&in);
    if (json_memory_failed() || (!root && json_error_code(&e) == json_error_out_of_memory)) {
        json_decref(root);
        errorf("out of memory reading the baseline %s", path);
        return -1;
    }
    if (!root) {
        if (e.line > 0)
            fprintf(stderr, "%s:%d:%d: error: %s\n", path, e.line, e.column, e.text);
        else
            fprintf(stderr, "%s: error: %s\n", path, e.text);
        return -1;
    }
    json_t *list = json_object_get(root, "findings");
    const char *bad = NULL;
    if (!json_is_object(root) || json_integer_value(json_object_get(root, "version")) != 1 ||
        !json_is_array(list))
        bad = "not a hmmm baseline (it needs \"version\": 1 and a \"findings\" list)";
    size_t i;
    json_t *f;
    json_array_foreach(bad ? NULL : list, i, f)
    {
        const char *parts[5], *names[5] = {"path", "rule", "match", "before", "after"};
        for (int k = 0; k < 5 && !bad; k++)
            if (!(parts[k] = json_string_value(json_object_get(f, names[k]))))
                bad = "each finding needs the strings path, rule, match, before and after";
        if (bad) {
            fprintf(stderr, "%s: error: finding %zu: %s\n", path, i + 1, bad);
            json_decref(root);
            return -1;
        }
        char *key = key_of(parts[0], parts[1], parts[2], parts[3], parts[4]);
        if (!key || count_in(b->counts, key, 1) < 0) {
            free(key);
            json_decref(root);
            errorf("out of memory reading %s", path);
            return -1;
        }
        free(key);
    }
    json_decref(root);
    if (bad) {
        fprintf(stderr, "%s: error: %s\n", path, bad);
        return -1;
    }
    return 0;
}

int baseline_take(baseline *b, const char *path, const char *data, size_t len,
                  const hmmm_finding *x)
{
    print p;
    char *key = print_of(path, data, len, x, &p) < 0
                    ? NULL
                    : key_of(p.path, x->rule->id, p.match, p.before, p.after);
    print_free(&p);
    if (!key)
        return -1;
    json_int_t left = json_integer_value(json_object_get(b->counts, key));
    int taken = left > 0;
    if (taken && count_in(b->counts, key, -1) < 0)
        taken = -1;
    free(key);
    b->taken += taken > 0;
    return taken;
}

size_t baseline_taken(const baseline *b)
{
    return b->taken;
}

int baseline_add(baseline *b, const char *path, const char *data, size_t len, const hmmm_finding *x)
{
    print p;
    json_t *o = print_of(path, data, len, x, &p) < 0
                    ? NULL
                    : json_pack("{s:s, s:s, s:s, s:s, s:s}", "path", p.path, "rule", x->rule->id,
                                "match", p.match, "before", p.before, "after", p.after);
    print_free(&p);
    return json_array_append_new(b->written, o);
}

size_t baseline_written(const baseline *b)
{
    return json_array_size(b->written);
}

int baseline_write(const baseline *b, const char *path)
{
    json_t *root =
        json_pack("{s:i, s:s, s:O}", "version", 1, "tool", "hmmm", "findings", b->written);
    if (!root) {
        errorf("out of memory writing %s", path);
        return -1;
    }
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.hmmm-XXXXXX", path) >= (int)sizeof tmp) {
        json_decref(root);
        errorf("%s: the name is too long", path);
        return -1;
    }
    int fd = mkstemp(tmp);
    int e = fd < 0 ? errno : 0;
    FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
    if (fd >= 0 && !f) {
        e = errno;
        close(fd);
    }
    if (f) {
        mode_t mask = umask(0);
        umask(mask);
        if (json_dumpf(root, f, JSON_INDENT(1)) < 0 || fputc('\n', f) == EOF)
            e = errno ? errno : EIO;
        if (!e && fchmod(fileno(f), 0666 & ~mask) != 0)
            e = errno;
        if (!e && (fflush(f) != 0 || fsync(fileno(f)) != 0))
            e = errno;
        if (fclose(f) != 0 && !e)
            e = errno;
        if (!e && rename(tmp, path) != 0)
            e = errno;
        if (e)
            unlink(tmp);
    }
    json_decref(root);
    if (e) {
        errorf("%s: cannot write the baseline: %s", path, strerror(e));
        return -1;
    }
    return 0;
}
