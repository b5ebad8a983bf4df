/* format.c - the output formats: pretty (for people), line (for editors and
 * grep), json (for programs), sarif (for code scanning), github (workflow
 * commands, shown as annotations on a pull request), checkstyle (XML, for
 * reviewdog and CI plugins) and html (a web page, made in report.c). Each
 * is a set of callbacks behind one interface, chosen at run time. The JSON
 * ones are built with jansson. */
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
    size_t index; /* SARIF: the rule's place in the driver's list */
    char *tail;   /* JSON: the end of each of its findings, as text */
} rule_json;

struct formatter {
    const struct format_ops *ops;
    FILE *out;
    int color;
    const hmmm_ruleset *rs;
    size_t files;
    size_t results;   /* SARIF: results written so far */
    rule_json *rules; /* JSON: an open-addressed table by rule */
    size_t n_rules, cap_rules;
    char *buf; /* JSON: text waiting to be written */
    size_t len, cap;
    int short_of_memory; /* JSON: the buffer could not grow during a dump */
    report *html;        /* html: the page being made */
    int extracted;       /* the file being written is a Word or OpenDocument file's text */
};

/* Each returns 0, or -1 when it ran out of memory (the output may then be
 * incomplete, and the caller says so). */
struct format_ops {
    int (*file)(formatter *f, const char *path, const char *data, size_t len,
                const hmmm_finding *const *findings, size_t n);
    int (*end)(formatter *f, const summary *s);
};

/* ---- jansson's memory --------------------------------------------------- */

/* Whether an allocation jansson asked for on this thread has failed. */
static _Thread_local int json_failed;

static void *json_malloc(size_t n)
{
    void *p = malloc(n);
    if (!p)
        json_failed = 1;
    return p;
}

void json_memory_watch(void)
{
    json_set_alloc_funcs(json_malloc, free);
}

void json_memory_reset(void)
{
    json_failed = 0;
}

int json_memory_failed(void)
{
    return json_failed;
}

/* jansson can leave out a byte it had no memory to write (an object key's
 * closing quote) and still return the text: so any allocation failure while
 * dumping means the text is not to be used. */
char *json_dumps_checked(const json_t *j, size_t flags)
{
    int before = json_failed;
    json_failed = 0;
    char *s = json_dumps(j, flags);
    if (json_failed) {
        free(s);
        s = NULL;
    }
    json_failed |= before;
    return s;
}

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

size_t utf8_char(const unsigned char *p, size_t n)
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
static rule_json *rule_parts(formatter *f, const hmmm_rule *r)
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
    *e = (rule_json){r, sug, gl, link, 0, NULL};
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
        if (!b) {
            f->short_of_memory = 1;
            return -1;
        }
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
    /* A failure jansson let pass (see json_dumps_checked) counts too. */
    f->short_of_memory = 0;
    if (json_dump_callback(j, to_buffer, f, flags) < 0 || f->short_of_memory) {
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

/* Adds N bytes at S to the buffer, or writes them straight out when the
 * buffer cannot grow. */
static void emit(formatter *f, const char *s, size_t n)
{
    if (to_buffer(s, n, f) < 0) {
        flush_buffer(f);
        fwrite(s, 1, n, f->out);
    }
}

#define EMIT_LITERAL(f, s) emit(f, s, sizeof s - 1)

/* Writes S as a JSON string, byte for byte as jansson writes jstr(S): each
 * byte that is not part of a UTF-8 character becomes U+FFFD; quote,
 * backslash and control characters are escaped. A finding's strings are
 * written this way, without building objects, as a large document can have
 * hundreds of thousands of them. */
static void emit_string(formatter *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    EMIT_LITERAL(f, "\"");
    for (;;) {
        size_t run = 0;
        while (p[run] >= 0x20 && p[run] < 0x80 && p[run] != '"' && p[run] != '\\')
            run++;
        if (run)
            emit(f, (const char *)p, run);
        p += run;
        if (!*p)
            break;
        if (*p >= 0x80) {
            size_t len = utf8_char(p, strnlen((const char *)p, 4));
            emit(f, len ? (const char *)p : "\xEF\xBF\xBD", len ? len : 3);
            p += len ? len : 1;
            continue;
        }
        char esc[8];
        const char *short_form = *p == '"'    ? "\\\""
                                 : *p == '\\' ? "\\\\"
                                 : *p == '\b' ? "\\b"
                                 : *p == '\f' ? "\\f"
                                 : *p == '\n' ? "\\n"
                                 : *p == '\r' ? "\\r"
                                 : *p == '\t' ? "\\t"
                                              : NULL;
        if (!short_form)
            snprintf(esc, sizeof esc, "\\u%04X", (unsigned)*p);
        emit(f, short_form ? short_form : esc, short_form ? 2 : 6);
        p++;
    }
    EMIT_LITERAL(f, "\"");
}

/* The text after a finding's message, the same for every finding of R:
 * its suggestions, glossary entries and link. NULL when out of memory. */
static const char *rule_tail(formatter *f, const hmmm_rule *r)
{
    rule_json *parts = rule_parts(f, r);
    if (!parts)
        return NULL;
    if (parts->tail)
        return parts->tail;
    char *sug = json_dumps_checked(parts->suggestions, JSON_ENCODE_ANY);
    char *gl = json_dumps_checked(parts->glossary, JSON_ENCODE_ANY);
    char *link = json_dumps_checked(parts->link, JSON_ENCODE_ANY);
    size_t n = sug && gl && link ? strlen(sug) + strlen(gl) + strlen(link) + 64 : 0;
    char *tail = n ? malloc(n) : NULL;
    if (tail)
        snprintf(tail, n, ", \"suggestions\": %s, \"glossary\": %s, \"link\": %s", sug, gl, link);
    free(sug);
    free(gl);
    free(link);
    return parts->tail = tail;
}

/* Writes one finding as a JSON object; -1 when out of memory. */
static int emit_finding(formatter *f, const hmmm_finding *x)
{
    const char *tail = rule_tail(f, x->rule);
    if (!tail)
        return -1;
    char num[160];
    EMIT_LITERAL(f, "{\"rule\": ");
    emit_string(f, x->rule->id);
    int n = snprintf(num, sizeof num,
                     ", \"level\": \"%s\", \"line\": %u, \"column\": %u, \"end_line\": %u, "
                     "\"end_column\": %u, \"offset\": %zu, \"length\": %zu, \"match\": ",
                     hmmm_level_name(x->level), x->line, x->column, x->end_line, x->end_column,
                     x->offset, x->length);
    emit(f, num, (size_t)n);
    emit_string(f, x->match);
    EMIT_LITERAL(f, ", \"message\": ");
    emit_string(f, x->message);
    emit(f, tail, strlen(tail));
    if (x->mention)
        EMIT_LITERAL(f, ", \"mention\": true");
    EMIT_LITERAL(f, "}");
    return 0;
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
        if (i)
            put(f, ", ");
        r = emit_finding(f, fs[i]);
        if (f->len >= 65536)
            flush_buffer(f);
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

/* ---- shared by sarif, github and checkstyle ----------------------------- */

/* A string being built; FAILED once an allocation has failed. */
typedef struct text_buf {
    char *s;
    size_t n, cap;
    int failed;
} text_buf;

static void text_add(text_buf *t, const char *s, size_t n)
{
    if (t->failed)
        return;
    if (t->n + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 256;
        while (cap < t->n + n + 1)
            cap *= 2;
        char *p = realloc(t->s, cap);
        if (!p) {
            t->failed = 1;
            return;
        }
        t->s = p;
        t->cap = cap;
    }
    memcpy(t->s + t->n, s, n);
    t->n += n;
    t->s[t->n] = '\0';
}

static void text_adds(text_buf *t, const char *s)
{
    text_add(t, s, strlen(s));
}

char *message_with_suggestions(const hmmm_finding *x)
{
    const hmmm_rule *r = x->rule;
    size_t n = strlen(x->message) + 8;
    for (size_t k = 0; k < r->n_suggest; k++)
        n += strlen(r->suggest[k]) + 6;
    char *s = malloc(n);
    if (!s)
        return NULL;
    size_t at = (size_t)snprintf(s, n, "%s", x->message);
    for (size_t k = 0; k < r->n_suggest; k++)
        at += (size_t)snprintf(s + at, n - at, "%s\"%s\"",
                               k == 0                  ? "; try "
                               : k + 1 == r->n_suggest ? " or "
                                                       : ", ",
                               r->suggest[k]);
    return s;
}

/* ---- sarif ------------------------------------------------------------- */

/* SARIF's name for a level. */
static const char *sarif_level(hmmm_level lv)
{
    return lv == HMMM_ERROR ? "error" : lv == HMMM_WARNING ? "warning" : "note";
}

/* PATH as a URI reference: relative paths stay relative (to the folder
 * hmmm ran in, which CI takes as the repository's root), absolute ones
 * become file: URIs; every byte but the unreserved ones and '/' is
 * percent-encoded. NULL when out of memory. */
static char *path_uri(const char *path)
{
    size_t n = strlen(path);
    char *u = malloc(n * 3 + 8);
    if (!u)
        return NULL;
    size_t k = 0;
    if (path[0] == '/')
        k = (size_t)sprintf(u, "file://");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~/", *p))
            u[k++] = (char)*p;
        else
            k += (size_t)sprintf(u + k, "%%%02X", *p);
    }
    u[k] = '\0';
    return u;
}

/* The rule's message as a description of the rule: its {match} stands for
 * the first of its phrases (without a trailing '*'), or "this" when it has
 * only a pattern. */
static json_t *rule_summary(const hmmm_rule *r)
{
    char first[256] = "this";
    if (r->n_words) {
        snprintf(first, sizeof first, "%s", r->words[0]);
        size_t n = strlen(first);
        if (n && first[n - 1] == '*')
            first[n - 1] = '\0';
    }
    text_buf t = {0};
    const char *m = r->message;
    for (const char *hole; (hole = strstr(m, "{match}")); m = hole + 7) {
        text_add(&t, m, (size_t)(hole - m));
        text_add(&t, first, strlen(first));
    }
    text_add(&t, m, strlen(m));
    json_t *j = t.failed ? NULL : jstr(t.s ? t.s : "");
    free(t.s);
    return j;
}

char *rule_help_text(const hmmm_rule *r, int markdown)
{
    text_buf t = {0};
    if (r->why) {
        text_add(&t, r->why, strlen(r->why));
        text_add(&t, "\n\n", 2);
    }
    if (r->n_suggest) {
        text_adds(&t, markdown ? "**Try instead:** " : "Try instead: ");
        for (size_t k = 0; k < r->n_suggest; k++) {
            text_adds(&t, k == 0 ? "" : k + 1 == r->n_suggest ? " or " : ", ");
            text_adds(&t, "\"");
            text_adds(&t, r->suggest[k]);
            text_adds(&t, "\"");
        }
        text_add(&t, ".\n\n", 3);
    }
    for (size_t k = 0; k < r->n_glossary; k++) {
        const hmmm_gloss *g = r->glossary[k];
        if (!g)
            continue;
        text_adds(&t, markdown ? "**" : "");
        text_adds(&t, g->term);
        text_adds(&t, markdown ? "**: " : ": ");
        text_adds(&t, g->definition);
        if (g->source) {
            text_adds(&t, markdown ? " *(" : " (");
            text_adds(&t, g->source);
            text_adds(&t, markdown ? ")*" : ")");
        }
        text_add(&t, "\n\n", 2);
    }
    if (r->source) {
        text_adds(&t, markdown ? "*Source: " : "Source: ");
        text_adds(&t, r->source);
        text_adds(&t, markdown ? "*\n" : "\n");
    }
    while (t.n && t.s[t.n - 1] == '\n')
        t.s[--t.n] = '\0';
    if (t.failed || !t.s) {
        free(t.s);
        return t.failed ? NULL : strdup("");
    }
    return t.s;
}

static json_t *rule_help(const hmmm_rule *r, int markdown)
{
    char *s = rule_help_text(r, markdown);
    json_t *j = s ? jstr(s) : NULL;
    free(s);
    return j;
}

/* The driver's description of rule R. NULL when out of memory. */
static json_t *sarif_rule(formatter *f, const hmmm_rule *r)
{
    const rule_json *parts = rule_parts(f, r);
    json_t *o = json_object(), *cfg = json_object(), *props = json_object(), *tags = json_array();
    json_t *text = json_object(), *full = json_object(), *help = json_object();
    int bad = !parts || !o || !cfg || !props || !tags || !text || !full || !help ||
              set(o, "id", jstr(r->id)) < 0 || set(o, "name", jstr(r->name)) < 0 ||
              set(text, "text", rule_summary(r)) < 0 ||
              set(full, "text", r->why ? jstr(r->why) : rule_summary(r)) < 0 ||
              set(help, "text", rule_help(r, 0)) < 0 ||
              set(help, "markdown", rule_help(r, 1)) < 0 ||
              set(cfg, "level", json_string(sarif_level(r->level))) < 0 ||
              json_array_append_new(tags, jstr(r->pack)) < 0 ||
              set(props, "tags", json_incref(tags)) < 0 ||
              json_object_set(props, "suggestions", parts->suggestions) < 0 ||
              json_object_set(props, "glossary", parts->glossary) < 0 ||
              (r->source && set(props, "source", jstr(r->source)) < 0);
    if (!bad) {
        bad = set(o, "shortDescription", json_incref(text)) < 0 ||
              set(o, "fullDescription", json_incref(full)) < 0 ||
              set(o, "help", json_incref(help)) < 0 ||
              set(o, "defaultConfiguration", json_incref(cfg)) < 0 ||
              set(o, "properties", json_incref(props)) < 0 ||
              (r->link && set(o, "helpUri", jstr(r->link)) < 0);
    }
    json_decref(cfg);
    json_decref(props);
    json_decref(tags);
    json_decref(text);
    json_decref(full);
    json_decref(help);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Writes the start of the log, up to the opening of the results: the tool
 * and every rule in use. -1 when out of memory. */
static int sarif_begin(formatter *f)
{
    json_t *driver = json_object(), *rules = json_array();
    int bad = !driver || !rules || set(driver, "name", json_string("hmmm")) < 0 ||
              set(driver, "version", jstr(hmmm_version())) < 0 ||
              set(driver, "semanticVersion", jstr(hmmm_version())) < 0;
    for (size_t i = 0; !bad && i < hmmm_ruleset_rule_count(f->rs); i++) {
        const hmmm_rule *r = hmmm_ruleset_rule(f->rs, i);
        bad = json_array_append_new(rules, sarif_rule(f, r)) < 0;
        if (!bad)
            rule_parts(f, r)->index = i; /* made by sarif_rule */
    }
    if (!bad)
        bad = set(driver, "rules", json_incref(rules)) < 0;
    json_decref(rules);
    if (bad) {
        json_decref(driver);
        return -1;
    }
    put(f, "{\"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
           " \"version\": \"2.1.0\",\n"
           " \"runs\": [{\n  \"tool\": {\"driver\": ");
    int r = dump(f, driver, JSON_INDENT(1));
    json_decref(driver);
    put(f, "},\n  \"columnKind\": \"unicodeCodePoints\",\n  \"results\": [");
    flush_buffer(f);
    return r;
}

static json_t *sarif_result(formatter *f, const char *uri, const char *data, size_t len,
                            const hmmm_finding *x)
{
    char print[17];
    finding_fingerprint(data, len, x, print);
    json_t *o = json_object(), *msg = json_object(), *loc = json_object(), *phys = json_object(),
           *art = json_object(), *reg = json_object(), *snip = json_object(), *locs = json_array();
    char *text = message_with_suggestions(x);
    const rule_json *parts = rule_parts(f, x->rule);
    int bad =
        !o || !msg || !loc || !phys || !art || !reg || !snip || !locs || !text || !parts ||
        set(o, "ruleId", jstr(x->rule->id)) < 0 ||
        set(o, "ruleIndex", json_integer((json_int_t)parts->index)) < 0 ||
        set(o, "level", json_string(sarif_level(x->level))) < 0 ||
        set(msg, "text", jstr(text)) < 0 || set(art, "uri", jstr(uri)) < 0 ||
        set(reg, "startLine", json_integer(x->line)) < 0 ||
        set(reg, "startColumn", json_integer(x->column)) < 0 ||
        set(reg, "endLine", json_integer(x->end_line)) < 0 ||
        set(reg, "endColumn", json_integer(x->end_column)) < 0 ||
        (!f->extracted && (set(reg, "byteOffset", json_integer((json_int_t)x->offset)) < 0 ||
                           set(reg, "byteLength", json_integer((json_int_t)x->length)) < 0)) ||
        set(snip, "text", jstr(x->match)) < 0 || set(reg, "snippet", json_incref(snip)) < 0 ||
        set(phys, "artifactLocation", json_incref(art)) < 0 ||
        set(phys, "region", json_incref(reg)) < 0 ||
        set(loc, "physicalLocation", json_incref(phys)) < 0 || json_array_append(locs, loc) < 0 ||
        set(o, "message", json_incref(msg)) < 0 || set(o, "locations", json_incref(locs)) < 0 ||
        set(o, "partialFingerprints", json_pack("{s:s}", "hmmm/v1", print)) < 0;
    free(text);
    json_decref(msg);
    json_decref(loc);
    json_decref(phys);
    json_decref(art);
    json_decref(reg);
    json_decref(snip);
    json_decref(locs);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int sarif_file(formatter *f, const char *path, const char *data, size_t len,
                      const hmmm_finding *const *fs, size_t n)
{
    char *uri = n ? path_uri(path) : NULL;
    int r = n && !uri ? -1 : 0;
    for (size_t i = 0; r == 0 && i < n; i++) {
        json_t *o = sarif_result(f, uri, data, len, fs[i]);
        put(f, f->results++ ? ",\n   " : "\n   ");
        r = dump(f, o, 0);
        json_decref(o);
    }
    flush_buffer(f);
    free(uri);
    return r;
}

static int sarif_end(formatter *f, const summary *s)
{
    (void)s;
    fputs(f->results ? "\n  ]\n }]\n}\n" : "]\n }]\n}\n", f->out);
    return 0;
}

/* ---- github ------------------------------------------------------------ */

/* Writes S escaped as a workflow command's data (PROPERTY 0) or one of its
 * properties (1). */
static void put_escaped(FILE *out, const char *s, int property)
{
    for (; *s; s++) {
        if (*s == '%')
            fputs("%25", out);
        else if (*s == '\r')
            fputs("%0D", out);
        else if (*s == '\n')
            fputs("%0A", out);
        else if (property && *s == ':')
            fputs("%3A", out);
        else if (property && *s == ',')
            fputs("%2C", out);
        else
            fputc(*s, out);
    }
}

static int github_file(formatter *f, const char *path, const char *data, size_t len,
                       const hmmm_finding *const *fs, size_t n)
{
    (void)data;
    (void)len;
    for (size_t i = 0; i < n; i++) {
        const hmmm_finding *x = fs[i];
        char *text = message_with_suggestions(x);
        if (!text)
            return -1;
        fprintf(f->out, "::%s file=",
                x->level == HMMM_ERROR     ? "error"
                : x->level == HMMM_WARNING ? "warning"
                                           : "notice");
        put_escaped(f->out, path, 1);
        fprintf(f->out, ",line=%u,col=%u,endLine=%u,endColumn=%u,title=", x->line, x->column,
                x->end_line, x->end_column);
        put_escaped(f->out, x->rule->id, 1);
        fputs("::", f->out);
        put_escaped(f->out, text, 0);
        fputc('\n', f->out);
        free(text);
    }
    return 0;
}

static int github_end(formatter *f, const summary *s)
{
    (void)f;
    (void)s;
    return 0;
}

/* ---- checkstyle -------------------------------------------------------- */

/* Writes S as XML attribute text: markup characters as entities, and the
 * control characters XML 1.0 cannot hold left out (tab and line ends kept
 * as character references). */
static void put_xml(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        case '\t':
            fputs("&#9;", out);
            break;
        case '\n':
            fputs("&#10;", out);
            break;
        case '\r':
            fputs("&#13;", out);
            break;
        default:
            if (*p >= 0x20)
                fputc(*p, out);
        }
    }
}

static int checkstyle_file(formatter *f, const char *path, const char *data, size_t len,
                           const hmmm_finding *const *fs, size_t n)
{
    (void)data;
    (void)len;
    fputs(" <file name=\"", f->out);
    put_xml(f->out, path);
    fputs(n ? "\">\n" : "\"/>\n", f->out);
    for (size_t i = 0; i < n; i++) {
        const hmmm_finding *x = fs[i];
        char *text = message_with_suggestions(x);
        if (!text)
            return -1;
        fprintf(f->out, "  <error line=\"%u\" column=\"%u\" severity=\"%s\" message=\"", x->line,
                x->column,
                x->level == HMMM_ERROR     ? "error"
                : x->level == HMMM_WARNING ? "warning"
                                           : "info");
        put_xml(f->out, text);
        fputs("\" source=\"hmmm.", f->out);
        put_xml(f->out, x->rule->id);
        fputs("\"/>\n", f->out);
        free(text);
    }
    if (n)
        fputs(" </file>\n", f->out);
    return 0;
}

static int checkstyle_end(formatter *f, const summary *s)
{
    (void)s;
    fputs("</checkstyle>\n", f->out);
    return 0;
}

/* ---- html (report.c) --------------------------------------------------- */

static int html_file(formatter *f, const char *path, const char *data, size_t len,
                     const hmmm_finding *const *fs, size_t n)
{
    return report_file(f->html, path, data, len, f->extracted, fs, n);
}

static int html_end(formatter *f, const summary *s)
{
    return report_end(f->html, s);
}

/* ---- the interface ----------------------------------------------------- */

static const struct format_ops ops[] = {
    [FMT_PRETTY] = {pretty_file, pretty_end}, [FMT_LINE] = {line_file, line_end},
    [FMT_JSON] = {json_file, json_end},       [FMT_SARIF] = {sarif_file, sarif_end},
    [FMT_GITHUB] = {github_file, github_end}, [FMT_CHECKSTYLE] = {checkstyle_file, checkstyle_end},
    [FMT_HTML] = {html_file, html_end},
};

formatter *formatter_new(out_format fmt, FILE *out, int color, const hmmm_ruleset *rs)
{
    formatter *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->ops = &ops[fmt];
    f->out = out;
    f->color = color;
    f->rs = rs;
    if (fmt == FMT_JSON)
        fputs("{\"version\": 1,\n \"files\": [", out);
    if (fmt == FMT_SARIF && sarif_begin(f) < 0) {
        formatter_free(f);
        return NULL;
    }
    if (fmt == FMT_HTML && !(f->html = report_new(out, rs))) {
        formatter_free(f);
        return NULL;
    }
    if (fmt == FMT_CHECKSTYLE)
        fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n", out);
    return f;
}

int formatter_file(formatter *f, const char *path, const char *data, size_t len, int extracted,
                   const hmmm_finding *const *findings, size_t n)
{
    /* SARIF's byte offsets are into the file: they are left out when the
     * findings point into a text taken out of it. */
    f->extracted = extracted;
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
        free(f->rules[i].tail);
    }
    free(f->rules);
    free(f->buf);
    report_free(f->html);
    free(f);
}
