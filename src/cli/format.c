/* format.c - the output formats: pretty (for people), line (for editors and
 * grep) and json (for programs). Each is a set of callbacks behind one
 * interface, chosen at run time. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* What JSON output keeps about a rule: the parts of a finding that are
 * the same every time the rule is found, built once. */
typedef struct rule_json {
    const hmmm_rule *rule;
    json_t *suggestions, *glossary, *link;
} rule_json;

struct formatter {
    const struct format_ops *ops;
    FILE *out;
    int color;
    size_t files;
    rule_json *rules; /* JSON: an open-addressed table by rule */
    size_t n_rules, cap_rules;
    char *buf; /* JSON: text waiting to be written */
    size_t len, cap;
};

/* Each returns 0, or -1 when it ran out of memory (the output may then be
 * incomplete, and the caller says so). */
struct format_ops {
    int (*file)(formatter *f, const char *path, const char *data, size_t len,
                const hmmm_finding *const *findings, size_t n);
    int (*end)(formatter *f, const summary *s);
};

/* ---- shared helpers ---------------------------------------------------- */

/* Writes S on one line: line breaks and tabs become spaces. */
static void put_oneline(FILE *out, const char *s)
{
    for (; *s; s++)
        fputc(*s == '\n' || *s == '\r' || *s == '\t' ? ' ' : *s, out);
}

static const char *level_color(hmmm_level lv)
{
    switch (lv) {
    case HMMM_ERROR:
        return "\033[1;31m";
    case HMMM_WARNING:
        return "\033[1;33m";
    case HMMM_SUGGESTION:
        return "\033[1;36m";
    }
    return "";
}

#define BOLD "\033[1m"
#define DIM "\033[2m"
#define GREEN "\033[32m"
#define RESET "\033[0m"

static const char *c(const formatter *f, const char *code)
{
    return f->color ? code : "";
}

/* ---- line -------------------------------------------------------------- */

static int line_file(formatter *f, const char *path, const char *data, size_t len,
                     const hmmm_finding *const *fs, size_t n)
{
    (void)data;
    (void)len;
    for (size_t i = 0; i < n; i++) {
        const hmmm_finding *x = fs[i];
        fprintf(f->out, "%s:%u:%u: %s: ", path, x->line, x->column, hmmm_level_name(x->level));
        put_oneline(f->out, x->message);
        if (x->rule->n_suggest) {
            fputs("; try \"", f->out);
            put_oneline(f->out, x->rule->suggest[0]);
            fputc('"', f->out);
        }
        fprintf(f->out, " [%s]\n", x->rule->id);
    }
    return 0;
}

static int line_end(formatter *f, const summary *s)
{
    (void)f;
    (void)s;
    return 0;
}

/* ---- pretty ------------------------------------------------------------ */

/* Characters shown either side of a match on a very long line. */
#define CONTEXT_CHARS 80

static size_t char_back(const char *data, size_t from, size_t stop, size_t chars)
{
    while (from > stop && chars) {
        from--;
        while (from > stop && ((unsigned char)data[from] & 0xC0) == 0x80)
            from--;
        chars--;
    }
    return from;
}

static size_t char_fwd(const char *data, size_t from, size_t stop, size_t chars)
{
    while (from < stop && chars) {
        from++;
        while (from < stop && ((unsigned char)data[from] & 0xC0) == 0x80)
            from++;
        chars--;
    }
    return from;
}

static size_t count_chars(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            k++;
    return k;
}

/* Prints the source line of X with a caret line under the match. */
static void show_source(formatter *f, const char *data, size_t len, const hmmm_finding *x)
{
    size_t start = x->offset;
    while (start > 0 && data[start - 1] != '\n' && data[start - 1] != '\r')
        start--;
    size_t end = x->offset;
    while (end < len && data[end] != '\n' && data[end] != '\r')
        end++;
    size_t mend = x->offset + x->length < end ? x->offset + x->length : end;
    /* On a long line, show a window around the match. */
    size_t from = start, to = end;
    int cut_left = 0, cut_right = 0;
    if (count_chars(data + start, x->offset - start) > CONTEXT_CHARS) {
        from = char_back(data, x->offset, start, CONTEXT_CHARS);
        cut_left = 1;
    }
    if (count_chars(data + mend, end - mend) > CONTEXT_CHARS) {
        to = char_fwd(data, mend, end, CONTEXT_CHARS);
        cut_right = 1;
    }
    char num[16];
    int w = snprintf(num, sizeof num, "%u", x->line);
    if (w < 4)
        w = 4;
    fprintf(f->out, "%s%*u |%s ", c(f, DIM), w, x->line, c(f, RESET));
    if (cut_left)
        fputs("...", f->out);
    for (size_t i = from; i < to; i++) {
        unsigned char ch = (unsigned char)data[i];
        fputc(ch < 0x20 && ch != '\t' ? ' ' : ch, f->out);
    }
    if (cut_right)
        fputs("...", f->out);
    fputc('\n', f->out);
    fprintf(f->out, "%s%*s |%s ", c(f, DIM), w, "", c(f, RESET));
    if (cut_left)
        fputs("   ", f->out);
    for (size_t i = from; i < x->offset; i++) {
        unsigned char ch = (unsigned char)data[i];
        if ((ch & 0xC0) == 0x80)
            continue;
        fputc(ch == '\t' ? '\t' : ' ', f->out);
    }
    fputs(c(f, level_color(x->level)), f->out);
    fputc('^', f->out);
    size_t under = count_chars(data + x->offset, mend > x->offset ? mend - x->offset : 0);
    for (size_t i = 1; i < under; i++)
        fputc('~', f->out);
    fprintf(f->out, "%s\n", c(f, RESET));
}

/* The first sentence of TEXT, into OUT (at most N bytes). */
static void first_sentence(const char *text, char *out, size_t n)
{
    size_t i = 0;
    for (; text[i] && i + 1 < n; i++) {
        out[i] = text[i] == '\n' ? ' ' : text[i];
        if ((text[i] == '.' || text[i] == '?' || text[i] == '!') &&
            (text[i + 1] == ' ' || text[i + 1] == '\n' || text[i + 1] == '\0')) {
            i++;
            break;
        }
    }
    out[i] = '\0';
}

static int pretty_file(formatter *f, const char *path, const char *data, size_t len,
                       const hmmm_finding *const *fs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const hmmm_finding *x = fs[i];
        const hmmm_rule *r = x->rule;
        if (f->files || i)
            fputc('\n', f->out);
        fprintf(f->out, "%s%s:%u:%u:%s %s%s:%s ", c(f, BOLD), path, x->line, x->column, c(f, RESET),
                c(f, level_color(x->level)), hmmm_level_name(x->level), c(f, RESET));
        fputs(c(f, BOLD), f->out);
        put_oneline(f->out, x->message);
        fprintf(f->out, "%s %s[%s]%s\n", c(f, RESET), c(f, DIM), r->id, c(f, RESET));
        show_source(f, data, len, x);
        int w = 4;
        for (unsigned v = x->line; v >= 10000; v /= 10)
            w++;
        if (r->n_suggest) {
            fprintf(f->out, "%*s = %stry:%s ", w, "", c(f, GREEN), c(f, RESET));
            for (size_t k = 0; k < r->n_suggest; k++) {
                if (k)
                    fputs(k + 1 == r->n_suggest ? " or " : ", ", f->out);
                fputc('"', f->out);
                put_oneline(f->out, r->suggest[k]);
                fputc('"', f->out);
            }
            fputc('\n', f->out);
        }
        if (r->n_glossary && r->glossary[0]) {
            const hmmm_gloss *g = r->glossary[0];
            char sentence[400];
            first_sentence(g->definition, sentence, sizeof sentence);
            fprintf(f->out, "%*s = %sglossary:%s %s: %s", w, "", c(f, GREEN), c(f, RESET), g->term,
                    sentence);
            if (g->source) {
                /* The first of the sources; hmmm explain shows them all. */
                size_t first = strcspn(g->source, ";");
                fprintf(f->out, " %s(%.*s%s)%s", c(f, DIM), (int)first, g->source,
                        g->source[first] ? "; ..." : "", c(f, RESET));
            }
            fputc('\n', f->out);
        }
    }
    return 0;
}

static int pretty_end(formatter *f, const summary *s)
{
    static const char *names[3][2] = {
        {"suggestion", "suggestions"}, {"warning", "warnings"}, {"error", "errors"}};
    if (f->files && s->findings)
        fputc('\n', f->out);
    if (!s->findings) {
        fprintf(f->out, "%sNo findings%s in %zu file%s.\n", c(f, BOLD), c(f, RESET), s->files,
                s->files == 1 ? "" : "s");
        return 0;
    }
    fprintf(f->out, "%s%zu finding%s%s in %zu file%s:", c(f, BOLD), s->findings,
            s->findings == 1 ? "" : "s", c(f, RESET), s->files, s->files == 1 ? "" : "s");
    int first = 1;
    for (int lv = HMMM_ERROR; lv >= HMMM_SUGGESTION; lv--) {
        size_t k = s->by_level[lv];
        if (!k)
            continue;
        fprintf(f->out, "%s %s%zu %s%s", first ? "" : ",", c(f, level_color((hmmm_level)lv)), k,
                names[lv][k != 1], c(f, RESET));
        first = 0;
    }
    fputc('\n', f->out);
    return 0;
}

/* ---- json -------------------------------------------------------------- */

/* The length of the UTF-8 character at P (of N bytes), or 0 when the bytes
 * there are not one jansson accepts (overlong forms, surrogates and values
 * past U+10FFFF are refused). */
static size_t utf8_char(const unsigned char *p, size_t n)
{
    unsigned char b = p[0];
    size_t len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
    if (!len || len > n)
        return 0;
    uint32_t v = len == 1 ? b : b & (0x7Fu >> len);
    for (size_t t = 1; t < len; t++) {
        if ((p[t] & 0xC0) != 0x80)
            return 0;
        v = v << 6 | (p[t] & 0x3Fu);
    }
    static const uint32_t least[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (v < least[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    return len;
}

/* A JSON string, with each byte that is not part of a UTF-8 character
 * replaced by U+FFFD. NULL when out of memory. */
static json_t *jstr(const char *s)
{
    size_t n = strlen(s), bad = 0;
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t len = utf8_char(p + i, n - i);
        bad += !len;
        i += len ? len : 1;
    }
    if (!bad)
        return json_stringn(s, n);
    char *clean = malloc(n + bad * 2 + 1);
    if (!clean)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        size_t len = utf8_char(p + i, n - i);
        if (len) {
            memcpy(clean + k, p + i, len);
            k += len;
            i += len;
        } else {
            memcpy(clean + k, "\xEF\xBF\xBD", 3);
            k += 3;
            i++;
        }
    }
    json_t *j = json_stringn(clean, k);
    free(clean);
    return j;
}

static json_t *jstr_or_null(const char *s)
{
    return s ? jstr(s) : json_null();
}

/* Sets KEY of O to V (taking V); -1 when either is missing (out of
 * memory) or the set fails. */
static int set(json_t *o, const char *key, json_t *v)
{
    if (!o) {
        json_decref(v);
        return -1;
    }
    return json_object_set_new(o, key, v);
}

/* The JSON parts that depend only on rule R, made on first use. NULL when
 * out of memory. */
static const rule_json *rule_parts(formatter *f, const hmmm_rule *r)
{
    if (f->n_rules * 2 >= f->cap_rules) {
        size_t cap = f->cap_rules ? f->cap_rules * 2 : 64;
        rule_json *t = calloc(cap, sizeof *t);
        if (!t)
            return NULL;
        for (size_t i = 0; i < f->cap_rules; i++) {
            if (!f->rules[i].rule)
                continue;
            size_t h = ((uintptr_t)f->rules[i].rule >> 4) & (cap - 1);
            while (t[h].rule)
                h = (h + 1) & (cap - 1);
            t[h] = f->rules[i];
        }
        free(f->rules);
        f->rules = t;
        f->cap_rules = cap;
    }
    size_t h = ((uintptr_t)r >> 4) & (f->cap_rules - 1);
    while (f->rules[h].rule && f->rules[h].rule != r)
        h = (h + 1) & (f->cap_rules - 1);
    rule_json *e = &f->rules[h];
    if (e->rule)
        return e;
    json_t *sug = json_array(), *gl = json_array();
    int bad = !sug || !gl;
    for (size_t k = 0; !bad && k < r->n_suggest; k++)
        bad = json_array_append_new(sug, jstr(r->suggest[k])) < 0;
    for (size_t k = 0; !bad && k < r->n_glossary; k++) {
        const hmmm_gloss *g = r->glossary[k];
        if (!g)
            continue;
        json_t *o = json_object();
        bad = set(o, "key", jstr(g->key)) < 0 || set(o, "term", jstr(g->term)) < 0 ||
              set(o, "definition", jstr(g->definition)) < 0 ||
              set(o, "source", jstr_or_null(g->source)) < 0;
        if (bad)
            json_decref(o);
        else
            bad = json_array_append_new(gl, o) < 0;
    }
    json_t *link = bad ? NULL : jstr_or_null(r->link);
    if (!link) {
        json_decref(sug);
        json_decref(gl);
        json_decref(link);
        return NULL;
    }
    *e = (rule_json){r, sug, gl, link};
    f->n_rules++;
    return e;
}

/* Where jansson writes: the formatter's buffer, written out in large
 * pieces. */
static int to_buffer(const char *s, size_t n, void *arg)
{
    formatter *f = arg;
    if (f->len + n > f->cap) {
        size_t cap = f->cap ? f->cap : 65536;
        while (cap < f->len + n)
            cap *= 2;
        char *b = realloc(f->buf, cap);
        if (!b)
            return -1;
        f->buf = b;
        f->cap = cap;
    }
    memcpy(f->buf + f->len, s, n);
    f->len += n;
    return 0;
}

static void flush_buffer(formatter *f)
{
    if (f->len)
        fwrite(f->buf, 1, f->len, f->out);
    f->len = 0;
}

static void put(formatter *f, const char *s)
{
    if (to_buffer(s, strlen(s), f) < 0) {
        flush_buffer(f);
        fputs(s, f->out);
    }
}

/* Writes J; -1 when it is missing or cannot be written for want of
 * memory. */
static int dump(formatter *f, const json_t *j, size_t flags)
{
    if (!j)
        return -1;
    size_t before = f->len;
    if (json_dump_callback(j, to_buffer, f, flags) < 0) {
        /* Take back what was written and write it straight out. */
        f->len = before;
        flush_buffer(f);
        if (json_dumpf(j, f->out, flags) < 0)
            return -1;
    }
    if (f->len >= 65536)
        flush_buffer(f);
    return 0;
}

/* One finding as a JSON object; NULL when out of memory. */
static json_t *finding_json(formatter *f, const hmmm_finding *x)
{
    const hmmm_rule *r = x->rule;
    const rule_json *parts = rule_parts(f, r);
    json_t *o = json_object();
    if (!parts || !o || set(o, "rule", jstr(r->id)) < 0 ||
        set(o, "level", json_string(hmmm_level_name(x->level))) < 0 ||
        set(o, "line", json_integer(x->line)) < 0 ||
        set(o, "column", json_integer(x->column)) < 0 ||
        set(o, "end_line", json_integer(x->end_line)) < 0 ||
        set(o, "end_column", json_integer(x->end_column)) < 0 ||
        set(o, "offset", json_integer((json_int_t)x->offset)) < 0 ||
        set(o, "length", json_integer((json_int_t)x->length)) < 0 ||
        set(o, "match", jstr(x->match)) < 0 || set(o, "message", jstr(x->message)) < 0 ||
        json_object_set(o, "suggestions", parts->suggestions) < 0 ||
        json_object_set(o, "glossary", parts->glossary) < 0 ||
        json_object_set(o, "link", parts->link) < 0 ||
        (x->mention && set(o, "mention", json_true()) < 0)) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int json_file(formatter *f, const char *path, const char *data, size_t len,
                     const hmmm_finding *const *fs, size_t n)
{
    (void)data;
    (void)len;
    /* The file's findings are written one at a time, so that a file with
     * thousands of them does not hold them all in memory as JSON. */
    put(f, f->files ? ",\n  {\"path\": " : "\n  {\"path\": ");
    json_t *name = jstr(path);
    int r = dump(f, name, JSON_ENCODE_ANY);
    json_decref(name);
    put(f, ", \"findings\": [");
    for (size_t i = 0; r == 0 && i < n; i++) {
        json_t *o = finding_json(f, fs[i]);
        if (i)
            put(f, ", ");
        r = dump(f, o, 0);
        json_decref(o);
    }
    put(f, "]}");
    flush_buffer(f);
    return r;
}

static int json_end(formatter *f, const summary *s)
{
    json_t *sum = json_object();
    int r = set(sum, "files", json_integer((json_int_t)s->files)) < 0 ||
                    set(sum, "findings", json_integer((json_int_t)s->findings)) < 0 ||
                    set(sum, "suggestion", json_integer((json_int_t)s->by_level[0])) < 0 ||
                    set(sum, "warning", json_integer((json_int_t)s->by_level[1])) < 0 ||
                    set(sum, "error", json_integer((json_int_t)s->by_level[2])) < 0 ||
                    set(sum, "words", json_integer((json_int_t)s->words)) < 0
                ? -1
                : 0;
    fputs(f->files ? "\n ],\n \"summary\": " : "],\n \"summary\": ", f->out);
    if (r == 0 && json_dumpf(sum, f->out, 0) < 0)
        r = -1;
    fputs("}\n", f->out);
    json_decref(sum);
    return r;
}

/* ---- the interface ----------------------------------------------------- */

static const struct format_ops ops[] = {
    [FMT_PRETTY] = {pretty_file, pretty_end},
    [FMT_LINE] = {line_file, line_end},
    [FMT_JSON] = {json_file, json_end},
};

formatter *formatter_new(out_format fmt, FILE *out, int color)
{
    formatter *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->ops = &ops[fmt];
    f->out = out;
    f->color = color;
    if (fmt == FMT_JSON)
        fputs("{\"version\": 1,\n \"files\": [", out);
    return f;
}

int formatter_file(formatter *f, const char *path, const char *data, size_t len,
                   const hmmm_finding *const *findings, size_t n)
{
    int r = f->ops->file(f, path, data, len, findings, n);
    if (n || f->ops == &ops[FMT_JSON])
        f->files++;
    return r;
}

int formatter_end(formatter *f, const summary *s)
{
    return f->ops->end(f, s);
}

void formatter_free(formatter *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->cap_rules; i++) {
        if (!f->rules[i].rule)
            continue;
        json_decref(f->rules[i].suggestions);
        json_decref(f->rules[i].glossary);
        json_decref(f->rules[i].link);
    }
    free(f->rules);
    free(f->buf);
    free(f);
}
