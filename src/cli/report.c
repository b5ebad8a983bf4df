/* report.c - --format html: the check as one web page that people can read
 * without a terminal. The page stands alone (its style, script and chart
 * are inside it; nothing is fetched) and is the same every time for the
 * same input, so that it can be compared byte for byte.
 *
 * The page holds, in order: a summary (counts by level, pack and rule,
 * findings per 1,000 words, and where the language sits on Think Local Act
 * Personal's ladder of co-production, with a chart); each file's text with
 * its findings highlighted, followed by a list of them; and one entry for
 * each rule found (why, what to write instead, glossary, source). The
 * script only adds a details panel: without it, each highlight still has
 * its message as hover text and links to its entry in the list.
 *
 * Files arrive one at a time, and the summary comes first, so the files'
 * sections are held in memory until the end; nothing is written until the
 * page is complete. Work and memory grow in step with the text and the
 * number of findings. */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* ---- a page held in pieces ---------------------------------------------- */

/* The page grows in pieces of this size, so that a long text is never
 * copied to a bigger buffer. */
#define PIECE_SIZE ((size_t)1 << 18)

typedef struct piece {
    struct piece *next;
    size_t len;
    char data[];
} piece;

typedef struct page {
    piece *head, *tail;
    int failed; /* an allocation failed: the page is incomplete */
} page;

static void add(page *p, const char *s, size_t n)
{
    while (n && !p->failed) {
        if (!p->tail || p->tail->len == PIECE_SIZE) {
            piece *q = malloc(sizeof *q + PIECE_SIZE);
            if (!q) {
                p->failed = 1;
                return;
            }
            q->next = NULL;
            q->len = 0;
            if (p->tail)
                p->tail->next = q;
            else
                p->head = q;
            p->tail = q;
        }
        size_t k = PIECE_SIZE - p->tail->len;
        if (k > n)
            k = n;
        memcpy(p->tail->data + p->tail->len, s, k);
        p->tail->len += k;
        s += k;
        n -= k;
    }
}

static void adds(page *p, const char *s)
{
    add(p, s, strlen(s));
}

static void addf(page *p, const char *fmt, ...) CLI_PRINTF(2, 3);

/* For the page's own words and numbers: what it adds is not escaped. */
static void addf(page *p, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof buf)
        p->failed = 1; /* never so: the page's own sentences are shorter */
    else
        add(p, buf, (size_t)n);
}

static void page_write(const page *p, FILE *out)
{
    for (const piece *q = p->head; q; q = q->next)
        fwrite(q->data, 1, q->len, out);
}

static void page_free(page *p)
{
    while (p->head) {
        piece *q = p->head->next;
        free(p->head);
        p->head = q;
    }
    p->tail = NULL;
}

/* ---- escaping ----------------------------------------------------------- */

/* Adds bytes FROM to TO of DATA (LEN bytes in all) as HTML text, or as the
 * value of a double-quoted attribute when ATTR: markup characters become
 * entities; CR LF and a lone CR become LF (in an attribute, "&#10;");
 * control characters and bytes that are not UTF-8 become U+FFFD; a byte
 * order mark at the start of DATA is left out. */
static void add_escaped(page *p, const char *data, size_t len, size_t from, size_t to, int attr)
{
    static const char bad[] = "\xEF\xBF\xBD";
    const unsigned char *s = (const unsigned char *)data;
    if (from == 0 && len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
        from = to < 3 ? to : 3;
    size_t run = from; /* bytes from here to I are added as they are */
    for (size_t i = from; i < to;) {
        unsigned char c = s[i];
        if (c >= 0x20 && c < 0x7F && c != '&' && c != '<' && c != '>' && c != '"') {
            i++;
            continue;
        }
        size_t clen = c >= 0x80 ? utf8_char(s + i, len - i) : 0;
        /* C1 controls, U+0080 to U+009F, are no more welcome than C0. */
        if (clen > 1 && !(clen == 2 && c == 0xC2 && s[i + 1] < 0xA0)) {
            i += clen;
            continue;
        }
        add(p, data + run, i - run);
        const char *rep = bad;
        size_t step = 1;
        switch (c) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = attr ? "&quot;" : "\"";
            break;
        case '\t':
            rep = "\t";
            break;
        case '\r':
            rep = i + 1 < len && s[i + 1] == '\n' ? "" : attr ? "&#10;" : "\n";
            break;
        case '\n':
            rep = attr ? "&#10;" : "\n";
            break;
        default:
            step = clen ? clen : 1; /* a C1 control: both of its bytes */
        }
        adds(p, rep);
        i += step;
        run = i;
    }
    if (run < to)
        add(p, data + run, to - run);
}

/* Adds the string S escaped (ATTR as above). */
static void add_text(page *p, const char *s, int attr)
{
    size_t n = strlen(s);
    add_escaped(p, s, n, 0, n, attr);
}

/* Adds N with a comma between each three digits: 24,388. */
static void add_count(page *p, size_t n)
{
    char digits[32], out[48];
    int k = snprintf(digits, sizeof digits, "%zu", n), o = 0;
    for (int i = 0; i < k; i++) {
        if (i && (k - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    add(p, out, (size_t)o);
}

/* "1 finding", "3 findings". */
static void add_counted(page *p, size_t n, const char *one, const char *many)
{
    add_count(p, n);
    addf(p, " %s", n == 1 ? one : many);
}

/* ---- the ladder of co-production ------------------------------------------ */

/* The rungs from the bottom, with the glossary keys that put a rule on
 * them and what each means, in a sentence of the project's own. */
static const struct rung {
    const char *key, *name, *meaning;
} rungs[REPORT_RUNGS] = {
    {"ladder-coercion", "Coercion",
     "People are brought along to hear about services, and what they think changes nothing."},
    {"ladder-educating", "Educating",
     "People are taught how services are planned and run, and it stops there."},
    {"ladder-informing", "Informing",
     "People are told what has been decided, and perhaps why, but are not asked."},
    {"ladder-consultation", "Consultation",
     "People are asked for their views, in a survey or a meeting, but cannot change the "
     "outcome."},
    {"ladder-engagement", "Engagement",
     "People have more chances to speak and may sway some decisions, as far as the "
     "organisation allows."},
    {"ladder-co-design", "Co-design",
     "People shape the design of a service from their own experience, but do not see it "
     "through."},
    {"ladder-co-production", "Co-production",
     "People and the organisation work as equals from design to delivery and share the "
     "decisions."},
};

/* The rung rule R points at through its glossary entries (the lowest, when
 * it points at more than one), or -1. */
static int rule_rung(const hmmm_rule *r)
{
    int best = -1;
    for (size_t k = 0; k < r->n_glossary; k++) {
        if (!r->glossary[k])
            continue;
        for (int g = 0; g < REPORT_RUNGS; g++)
            if (!strcmp(r->glossary[k]->key, rungs[g].key) && (best < 0 || g < best))
                best = g;
    }
    return best;
}

int report_ladder_place(const size_t counts[REPORT_RUNGS])
{
    int best = -1;
    for (int g = 0; g < REPORT_RUNGS; g++)
        if (counts[g] && (best < 0 || counts[g] > counts[best]))
            best = g;
    return best;
}

/* ---- the report ------------------------------------------------------- */

/* What the page keeps about a rule in use. */
typedef struct rule_stat {
    const hmmm_rule *rule;
    size_t index;  /* 1-based place in the ruleset: the page's "rule-INDEX" */
    int rung;      /* on the ladder, or -1 */
    size_t *found; /* the numbers of its findings, in order */
    size_t n_found, cap_found;
} rule_stat;

/* Where finding number K+1 is: its file and position. */
typedef struct finding_ref {
    size_t file;
    unsigned line, column;
} finding_ref;

struct report {
    FILE *out;
    const hmmm_ruleset *rs;
    page body;        /* the files' sections */
    rule_stat *rules; /* by rule pointer, for bsearch */
    size_t n_rules;
    char **files; /* the files' names, as given */
    size_t n_files, cap_files;
    finding_ref *refs;
    size_t n_refs, cap_refs;
    int failed; /* out of memory: said once, and nothing is written */
};

static int cmp_stat(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const rule_stat *)a)->rule;
    uintptr_t y = (uintptr_t)((const rule_stat *)b)->rule;
    return x < y ? -1 : x > y;
}

static rule_stat *stat_of(const report *r, const hmmm_rule *rule)
{
    rule_stat key = {.rule = rule};
    return bsearch(&key, r->rules, r->n_rules, sizeof key, cmp_stat);
}

report *report_new(FILE *out, const hmmm_ruleset *rs)
{
    report *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->out = out;
    r->rs = rs;
    r->n_rules = hmmm_ruleset_rule_count(rs);
    r->rules = calloc(r->n_rules ? r->n_rules : 1, sizeof *r->rules);
    if (!r->rules) {
        free(r);
        return NULL;
    }
    for (size_t i = 0; i < r->n_rules; i++) {
        const hmmm_rule *rule = hmmm_ruleset_rule(rs, i);
        r->rules[i] = (rule_stat){.rule = rule, .index = i + 1, .rung = rule_rung(rule)};
    }
    qsort(r->rules, r->n_rules, sizeof *r->rules, cmp_stat);
    return r;
}

void report_free(report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_rules; i++)
        free(r->rules[i].found);
    for (size_t i = 0; i < r->n_files; i++)
        free(r->files[i]);
    free(r->rules);
    free(r->files);
    free(r->refs);
    page_free(&r->body);
    free(r);
}

/* LIST (of *CAP items of SIZE bytes, N in use) with room for one more:
 * LIST itself or a bigger copy. NULL when out of memory (LIST is kept). */
static void *grow(void *list, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return list;
    size_t c = *cap ? *cap * 2 : 16;
    void *p = realloc(list, c * size);
    if (p)
        *cap = c;
    return p;
}

static const char *level_word(hmmm_level lv)
{
    return lv == HMMM_ERROR ? "Error" : lv == HMMM_WARNING ? "Warning" : "Suggestion";
}

/* A shape for each level, so that colour is not the only cue. */
static const char *level_shape(hmmm_level lv)
{
    return lv == HMMM_ERROR ? "\xE2\x97\x86" : lv == HMMM_WARNING ? "\xE2\x96\xB2" : "\xE2\x97\x8F";
}

static void add_badge(page *p, hmmm_level lv)
{
    addf(p, "<span class=\"badge lv-%s\">%s %s</span>", hmmm_level_name(lv), level_shape(lv),
         level_word(lv));
}

/* A rule's link, as an anchor when it is a web address. */
static int web_link(const char *s)
{
    return s && (!strncmp(s, "https://", 8) || !strncmp(s, "http://", 7));
}

/* ---- a file's text with its findings highlighted ------------------------ */

/* A place where a finding starts or ends. */
typedef struct edge {
    size_t at;
    size_t k;   /* the finding, by its place in the file's list */
    int starts; /* ends sort first, so that touching findings do not overlap */
} edge;

static int cmp_edge(const void *a, const void *b)
{
    const edge *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    if (x->starts != y->starts)
        return x->starts - y->starts;
    return x->k < y->k ? -1 : x->k > y->k;
}

/* Adds bytes FROM to TO as one highlight covered by the findings ACT (N_ACT
 * of them, in order; the first finding of the file is number BASE + 1).
 * ID is the finding that starts here and names the highlight, or SIZE_MAX. */
static void add_highlight(page *p, const char *data, size_t len, size_t from, size_t to,
                          const hmmm_finding *const *fs, size_t base, const size_t *act,
                          size_t n_act, size_t id)
{
    hmmm_level lv = HMMM_SUGGESTION;
    for (size_t i = 0; i < n_act; i++)
        if (fs[act[i]]->level > lv)
            lv = fs[act[i]]->level;
    addf(p, "<a class=\"hl lv-%s%s\" href=\"#item-%zu\"", hmmm_level_name(lv),
         n_act > 1 ? " many" : "", base + act[0] + 1);
    if (id != SIZE_MAX)
        addf(p, " id=\"finding-%zu\"", base + id + 1);
    adds(p, " data-f=\"");
    for (size_t i = 0; i < n_act; i++)
        addf(p, "%s%zu", i ? " " : "", base + act[i] + 1);
    adds(p, "\" title=\"");
    for (size_t i = 0; i < n_act; i++) {
        char *text = message_with_suggestions(fs[act[i]]);
        if (!text) {
            p->failed = 1;
            return;
        }
        addf(p, "%s%s: ", i ? "&#10;" : "", level_word(fs[act[i]]->level));
        add_text(p, text, 1);
        free(text);
    }
    adds(p, "\">");
    add_escaped(p, data, len, from, to, 0);
    adds(p, "</a>");
}

/* Adds DATA with the findings FS (N, numbered from BASE + 1) highlighted.
 * Where findings overlap, the text is cut at each start and end, and each
 * piece is one highlight naming every finding over it, so that the
 * elements never cross. -1 when out of memory. */
static int add_marked_text(page *p, const char *data, size_t len, const hmmm_finding *const *fs,
                           size_t n, size_t base)
{
    edge *edges = malloc((n ? n : 1) * 2 * sizeof *edges);
    size_t *act = malloc((n ? n : 1) * sizeof *act);
    if (!edges || !act) {
        free(edges);
        free(act);
        return -1;
    }
    size_t n_edges = 0;
    for (size_t k = 0; k < n; k++) {
        size_t a = fs[k]->offset < len ? fs[k]->offset : len;
        size_t b = fs[k]->length < len - a ? a + fs[k]->length : len;
        edges[n_edges++] = (edge){a, k, 1};
        edges[n_edges++] = (edge){b, k, 0};
    }
    qsort(edges, n_edges, sizeof *edges, cmp_edge);
    size_t n_act = 0;
    add_escaped(p, data, len, 0, n_edges ? edges[0].at : len, 0);
    for (size_t e = 0; e < n_edges;) {
        size_t at = edges[e].at;
        /* Findings that start here; the first names the next highlight. */
        size_t id = SIZE_MAX;
        for (; e < n_edges && edges[e].at == at; e++) {
            size_t k = edges[e].k;
            if (!edges[e].starts) {
                for (size_t i = 0; i < n_act; i++)
                    if (act[i] == k) {
                        memmove(act + i, act + i + 1, (n_act - i - 1) * sizeof *act);
                        n_act--;
                        break;
                    }
                continue;
            }
            if (fs[k]->length == 0 || at >= len) {
                /* Nothing to highlight: a place to link to all the same. */
                addf(p, "<span id=\"finding-%zu\"></span>", base + k + 1);
                continue;
            }
            if (id == SIZE_MAX)
                id = k;
            else
                addf(p, "<span id=\"finding-%zu\"></span>", base + k + 1);
            size_t i = n_act;
            while (i && act[i - 1] > k) {
                act[i] = act[i - 1];
                i--;
            }
            act[i] = k;
            n_act++;
        }
        size_t next = e < n_edges ? edges[e].at : len;
        if (n_act && next > at)
            add_highlight(p, data, len, at, next, fs, base, act, n_act, id);
        else
            add_escaped(p, data, len, at, next, 0);
    }
    free(edges);
    free(act);
    return p->failed ? -1 : 0;
}

/* ---- a file's section ---------------------------------------------------- */

/* Adds "Try instead: “a”, “b” or “c”." for rule R, or nothing. */
static void add_suggestions(page *p, const hmmm_rule *r)
{
    if (!r->n_suggest)
        return;
    adds(p, "<p class=\"try\">Try instead: ");
    for (size_t k = 0; k < r->n_suggest; k++) {
        adds(p, k == 0 ? "" : k + 1 == r->n_suggest ? " or " : ", ");
        adds(p, "<q>");
        add_text(p, r->suggest[k], 0);
        adds(p, "</q>");
    }
    adds(p, ".</p>");
}

/* Adds the counts by level, "2 errors, 1 warning", or "no findings". */
static void add_level_counts(page *p, const size_t by_level[3])
{
    static const char *names[3][2] = {
        {"suggestion", "suggestions"}, {"warning", "warnings"}, {"error", "errors"}};
    int first = 1;
    for (int lv = HMMM_ERROR; lv >= HMMM_SUGGESTION; lv--) {
        if (!by_level[lv])
            continue;
        adds(p, first ? "" : ", ");
        add_counted(p, by_level[lv], names[lv][0], names[lv][1]);
        first = 0;
    }
    if (first)
        adds(p, "no findings");
}

int report_file(report *r, const char *path, const char *data, size_t len, int paragraphs,
                const hmmm_finding *const *fs, size_t n)
{
    if (r->failed)
        return 0; /* already said */
    page *p = &r->body;
    char *name = strdup(path);
    char **files = name ? grow(r->files, &r->cap_files, r->n_files, sizeof *files) : NULL;
    if (!files) {
        free(name);
        r->failed = 1;
        return -1;
    }
    r->files = files;
    size_t file = r->n_files++, base = r->n_refs;
    r->files[file] = name;
    size_t by_level[3] = {0};
    for (size_t k = 0; k < n; k++) {
        rule_stat *st = stat_of(r, fs[k]->rule);
        finding_ref *refs = grow(r->refs, &r->cap_refs, r->n_refs, sizeof *refs);
        if (refs)
            r->refs = refs;
        size_t *found =
            st && refs ? grow(st->found, &st->cap_found, st->n_found, sizeof *found) : NULL;
        if (found)
            st->found = found;
        if (!refs || (st && !found)) {
            r->failed = 1;
            return -1;
        }
        r->refs[r->n_refs++] = (finding_ref){file, fs[k]->line, fs[k]->column};
        if (st)
            st->found[st->n_found++] = base + k + 1;
        by_level[fs[k]->level]++;
    }

    addf(p, "<section class=\"file\" id=\"file-%zu\" aria-labelledby=\"file-%zu-h\">\n", file + 1,
         file + 1);
    addf(p, "<h2 id=\"file-%zu-h\">", file + 1);
    add_text(p, path, 0);
    adds(p, "</h2>\n<p class=\"counts\">");
    if (n) {
        add_counted(p, n, "finding", "findings");
        adds(p, ": ");
        add_level_counts(p, by_level);
    } else {
        adds(p, "No findings in this file");
    }
    adds(p, ".</p>\n");
    if (paragraphs)
        adds(p, "<p>The document's text as hmmm read it: one paragraph a line, the body first, "
                "then the footnotes, the endnotes, the comments, and last the headers and "
                "footers.</p>\n");
    adds(p, "<div class=\"doc\">");
    if (add_marked_text(p, data, len, fs, n, base) < 0) {
        r->failed = 1;
        return -1;
    }
    adds(p, "</div>\n");
    if (n) {
        addf(p, "<h3>Findings in ");
        add_text(p, path, 0);
        adds(p, "</h3>\n<ol class=\"findings\">\n");
    }
    for (size_t k = 0; k < n; k++) {
        const hmmm_finding *x = fs[k];
        const rule_stat *st = stat_of(r, x->rule);
        addf(p, "<li id=\"item-%zu\" data-rule=\"rule-%zu\"><div class=\"fi\">", base + k + 1,
             st ? st->index : 0);
        add_badge(p, x->level);
        addf(p, " <a href=\"#finding-%zu\">%s %u, %s %u</a>: <q>", base + k + 1,
             paragraphs ? "paragraph" : "line", x->line, paragraphs ? "character" : "column",
             x->column);
        add_text(p, x->match, 0);
        adds(p, "</q><p class=\"msg\">");
        add_text(p, x->message, 0);
        adds(p, "</p>");
        add_suggestions(p, x->rule);
        adds(p, "</div><p class=\"more\">");
        if (st)
            addf(p, "<a href=\"#rule-%zu\">", st->index);
        adds(p, "About <code>");
        add_text(p, x->rule->id, 0);
        adds(p, st ? "</code></a></p></li>\n" : "</code></p></li>\n");
    }
    adds(p, n ? "</ol>\n</section>\n" : "</section>\n");
    if (p->failed) {
        r->failed = 1;
        return -1;
    }
    return 0;
}

/* ---- the page around the files ------------------------------------------- */

static const char style[] =
    "<style>\n"
    ":root{--ink:#1b1b1b;--muted:#4a4a4a;--link:#0b4fa8;--line:#c8c8c8;"
    "--sug:#1a56b0;--sug-bg:#e3edfb;--war:#8a4b00;--war-bg:#fdefc8;--err:#b3141f;"
    "--err-bg:#fde2e2;--bar:#6a4a8c}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;color:var(--ink);background:#fff;font:1rem/1.55 system-ui,-apple-system,"
    "'Segoe UI',Roboto,Arial,sans-serif}\n"
    "header,main,footer,nav{max-width:52rem;margin:0 auto;padding:0 1rem}\n"
    "header{padding-top:1rem}\n"
    "a{color:var(--link)}\n"
    "h1{font-size:1.7rem;margin:.5rem 0}h2{font-size:1.35rem;margin-top:2.2rem;"
    "border-bottom:2px solid var(--line);padding-bottom:.2rem;overflow-wrap:anywhere}"
    "h3{font-size:1.1rem;margin-top:1.6rem}\n"
    ".skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;"
    "padding:.5rem;z-index:3}\n"
    "nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.3rem 1.2rem}\n"
    ".stats{display:flex;flex-wrap:wrap;gap:1rem;margin:1rem 0;padding:0}\n"
    ".stats div{border:1px solid var(--line);border-radius:.4rem;padding:.5rem .8rem;"
    "min-width:9rem}\n"
    ".stats dt{font-size:.85rem;color:var(--muted)}.stats dd{margin:0;font-size:1.4rem;"
    "font-weight:600}\n"
    ".table{overflow-x:auto}table{border-collapse:collapse;margin:.5rem 0;min-width:60%}\n"
    "th,td{text-align:left;padding:.3rem .6rem;border-bottom:1px solid var(--line);"
    "vertical-align:top}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    "code{font-size:.92em;overflow-wrap:anywhere}\n"
    ".badge{display:inline-block;font-size:.8rem;font-weight:600;padding:0 .4rem;"
    "border-radius:.3rem;border:1px solid}\n"
    ".badge.lv-suggestion{color:var(--sug);background:var(--sug-bg)}"
    ".badge.lv-warning{color:var(--war);background:var(--war-bg)}"
    ".badge.lv-error{color:var(--err);background:var(--err-bg)}\n"
    ".doc{white-space:pre-wrap;overflow-wrap:anywhere;border:1px solid var(--line);"
    "border-radius:.4rem;padding:1rem;background:#fcfcfa;line-height:1.7}\n"
    ".hl{color:inherit;text-decoration-line:underline;text-decoration-thickness:2px;"
    "text-underline-offset:.2em;border-radius:.15rem;print-color-adjust:exact;"
    "-webkit-print-color-adjust:exact}\n"
    ".hl.lv-suggestion{background:var(--sug-bg);text-decoration-style:dotted;"
    "text-decoration-color:var(--sug)}\n"
    ".hl.lv-warning{background:var(--war-bg);text-decoration-style:wavy;"
    "text-decoration-color:var(--war)}\n"
    ".hl.lv-error{background:var(--err-bg);text-decoration-style:double;"
    "text-decoration-thickness:3px;text-decoration-color:var(--err)}\n"
    ".hl.many{outline:1px dashed var(--ink);outline-offset:-1px}\n"
    ".hl:focus,.hl.current{outline:3px solid var(--ink);outline-offset:1px}\n"
    ".findings li{margin:.6rem 0}.findings p{margin:.2rem 0}.msg{font-weight:600}\n"
    ".more{font-size:.9rem}\n"
    ".rule{border-top:1px solid var(--line);padding:.4rem 0}\n"
    ".gloss dt{font-weight:600}.gloss dd{margin:0 0 .6rem 1rem}.src{color:var(--muted);"
    "font-size:.9rem}\n"
    ".found{font-size:.9rem}\n"
    "figure{margin:1rem 0}svg{max-width:100%;height:auto}\n"
    ".chart text{font:14px system-ui,sans-serif;fill:var(--ink)}\n"
    ".place{font-size:1.15rem}\n"
    "#panel{position:fixed;left:0;right:0;bottom:0;max-height:45vh;overflow:auto;"
    "background:#fff;border-top:3px solid var(--ink);box-shadow:0 -4px 16px rgba(0,0,0,.2);"
    "padding:.6rem 1rem 1rem;z-index:2}\n"
    "#panel .pf{max-width:52rem;margin:0 auto .6rem}\n"
    "#panel-close{float:right;font:inherit;padding:.2rem .7rem}\n"
    "footer{color:var(--muted);font-size:.9rem;padding:2rem 1rem}\n"
    "@media print{nav,.skip,#panel{display:none}.doc{border:0;padding:0}"
    "h2{break-after:avoid}a{color:inherit}}\n"
    "</style>\n";

/* The details panel: filled from a finding's entry in the list and its
 * rule's entry, so that nothing is said twice in the page. */
static const char script[] =
    "<script>\n"
    "(function () {\n"
    "  'use strict';\n"
    "  var root = document.documentElement;\n"
    "  window.addEventListener('error', function (e) {\n"
    "    root.setAttribute('data-script-error', String(e.message));\n"
    "  });\n"
    "  var panel = document.getElementById('panel');\n"
    "  var body = document.getElementById('panel-body');\n"
    "  var shown = [];\n"
    "  function part(from, cls) {\n"
    "    var e = from && from.querySelector('.' + cls);\n"
    "    return e ? e.cloneNode(true) : null;\n"
    "  }\n"
    "  function show(hl) {\n"
    "    shown.forEach(function (e) { e.classList.remove('current'); });\n"
    "    shown = [hl];\n"
    "    hl.classList.add('current');\n"
    "    body.textContent = '';\n"
    "    hl.getAttribute('data-f').split(' ').forEach(function (n) {\n"
    "      var item = document.getElementById('item-' + n);\n"
    "      if (!item) return;\n"
    "      var rule = document.getElementById(item.getAttribute('data-rule'));\n"
    "      var box = document.createElement('div');\n"
    "      box.className = 'pf';\n"
    "      box.setAttribute('data-finding', n);\n"
    "      [part(item, 'fi'), part(rule, 'why'), part(rule, 'gloss'), part(rule, 'rsrc'),\n"
    "       part(item, 'more')]\n"
    "        .forEach(function (e) { if (e) box.appendChild(e); });\n"
    "      body.appendChild(box);\n"
    "    });\n"
    "    panel.hidden = false;\n"
    "  }\n"
    "  function hide() {\n"
    "    panel.hidden = true;\n"
    "    shown.forEach(function (e) { e.classList.remove('current'); });\n"
    "    shown = [];\n"
    "  }\n"
    "  function highlight(e) {\n"
    "    var t = e.target;\n"
    "    return t && t.closest ? t.closest('a.hl') : null;\n"
    "  }\n"
    "  document.addEventListener('click', function (e) {\n"
    "    var hl = highlight(e);\n"
    "    if (!hl) return;\n"
    "    e.preventDefault();\n"
    "    show(hl);\n"
    "  });\n"
    "  document.addEventListener('focusin', function (e) {\n"
    "    var hl = highlight(e);\n"
    "    if (hl) show(hl);\n"
    "  });\n"
    "  document.addEventListener('mouseover', function (e) {\n"
    "    var hl = highlight(e);\n"
    "    if (hl) show(hl);\n"
    "  });\n"
    "  document.addEventListener('keydown', function (e) {\n"
    "    if (e.key === 'Escape') hide();\n"
    "  });\n"
    "  document.getElementById('panel-close').addEventListener('click', hide);\n"
    "  function fromHash() {\n"
    "    var m = /^#finding-([0-9]+)$/.exec(location.hash);\n"
    "    var hl = m && document.getElementById('finding-' + m[1]);\n"
    "    if (hl && !hl.classList.contains('hl'))\n"
    "      hl = hl.nextElementSibling;\n"
    "    while (hl && !hl.classList.contains('hl'))\n"
    "      hl = hl.nextElementSibling;\n"
    "    if (hl) { show(hl); hl.scrollIntoView({block: 'center'}); }\n"
    "  }\n"
    "  window.addEventListener('hashchange', fromHash);\n"
    "  fromHash();\n"
    "  root.setAttribute('data-ready', 'yes');\n"
    "})();\n"
    "</script>\n";

/* The page's title: the first file's name, and how many more. */
static void add_title(page *p, const report *r)
{
    adds(p, "hmmm report");
    if (r->n_files) {
        adds(p, ": ");
        add_text(p, r->files[0], 0);
        if (r->n_files > 1) {
            adds(p, " and ");
            add_counted(p, r->n_files - 1, "more file", "more files");
        }
    }
}

static void add_stat(page *p, const char *name, size_t n)
{
    addf(p, "<div><dt>%s</dt><dd>", name);
    add_count(p, n);
    adds(p, "</dd></div>");
}

/* Findings per 1,000 words, to one decimal place. */
static void add_density(page *p, size_t findings, size_t words)
{
    adds(p, "<div><dt>Findings per 1,000 words</dt><dd>");
    if (!words) {
        adds(p, "none checked");
    } else {
        size_t tenths = (size_t)(((double)findings * 10000.0 + words / 2) / (double)words);
        add_count(p, tenths / 10);
        addf(p, ".%zu", tenths % 10);
    }
    adds(p, "</dd></div>");
}

static int cmp_by_count(const void *a, const void *b)
{
    const rule_stat *x = *(const rule_stat *const *)a, *y = *(const rule_stat *const *)b;
    if (x->n_found != y->n_found)
        return x->n_found > y->n_found ? -1 : 1;
    return strcmp(x->rule->id, y->rule->id);
}

/* The table of findings by pack, most first. */
static void add_packs(page *p, const report *r, const rule_stat *const *by_count, size_t n)
{
    adds(p, "<h3 id=\"by-pack\">By pack</h3>\n<div class=\"table\"><table>\n"
            "<thead><tr><th scope=\"col\">Pack</th><th scope=\"col\" class=\"n\">Findings</th>"
            "</tr></thead><tbody>\n");
    /* Packs in the order their most-found rule comes in BY_COUNT, with
     * their totals: a pack's first rule there has the most findings of it. */
    size_t total_packs = hmmm_ruleset_pack_count(r->rs);
    const char **seen = calloc(n ? n : 1, sizeof *seen);
    size_t *totals = calloc(n ? n : 1, sizeof *totals), n_seen = 0;
    if (!seen || !totals) {
        p->failed = 1;
        free(seen);
        free(totals);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < n_seen && strcmp(seen[j], by_count[i]->rule->pack))
            j++;
        if (j == n_seen)
            seen[n_seen++] = by_count[i]->rule->pack;
        totals[j] += by_count[i]->n_found;
    }
    /* Bigger totals first; equal ones keep their order. */
    for (size_t i = 1; i < n_seen; i++)
        for (size_t j = i; j && totals[j] > totals[j - 1]; j--) {
            size_t t = totals[j];
            totals[j] = totals[j - 1];
            totals[j - 1] = t;
            const char *s = seen[j];
            seen[j] = seen[j - 1];
            seen[j - 1] = s;
        }
    for (size_t i = 0; i < n_seen; i++) {
        const char *title = NULL;
        for (size_t k = 0; k < total_packs; k++)
            if (!strcmp(hmmm_ruleset_pack(r->rs, k)->name, seen[i]))
                title = hmmm_ruleset_pack(r->rs, k)->title;
        adds(p, "<tr><td><code>");
        add_text(p, seen[i], 0);
        adds(p, "</code>");
        if (title) {
            adds(p, ": ");
            add_text(p, title, 0);
        }
        adds(p, "</td><td class=\"n\">");
        add_count(p, totals[i]);
        adds(p, "</td></tr>\n");
    }
    adds(p, "</tbody></table></div>\n");
    free(seen);
    free(totals);
}

/* The table of findings by rule, most first, each linking to its entry. */
static void add_rules_table(page *p, const rule_stat *const *by_count, size_t n)
{
    adds(p, "<h3 id=\"by-rule\">By rule</h3>\n<div class=\"table\"><table>\n"
            "<thead><tr><th scope=\"col\">Rule</th><th scope=\"col\">Level</th>"
            "<th scope=\"col\">Rung of the ladder</th>"
            "<th scope=\"col\" class=\"n\">Findings</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < n; i++) {
        const rule_stat *st = by_count[i];
        addf(p, "<tr><td><a href=\"#rule-%zu\"><code>", st->index);
        add_text(p, st->rule->id, 0);
        adds(p, "</code></a></td><td>");
        add_badge(p, st->rule->level);
        adds(p, "</td><td>");
        adds(p, st->rung >= 0 ? rungs[st->rung].name : "");
        adds(p, "</td><td class=\"n\">");
        add_count(p, st->n_found);
        adds(p, "</td></tr>\n");
    }
    adds(p, "</tbody></table></div>\n");
}

/* The ladder as bars, top rung first: one row per rung, its findings as a
 * bar, and a pointer at rung PLACE. */
static void add_chart(page *p, const size_t counts[REPORT_RUNGS], int place)
{
    size_t most = 1;
    for (int g = 0; g < REPORT_RUNGS; g++)
        if (counts[g] > most)
            most = counts[g];
    const int row = 34, top = 8, label = 130, width = 330;
    addf(p,
         "<figure><svg class=\"chart\" role=\"img\" aria-labelledby=\"chart-t\" "
         "viewBox=\"0 0 640 %d\" width=\"640\" height=\"%d\" "
         "xmlns=\"http://www.w3.org/2000/svg\">\n"
         "<title id=\"chart-t\">Findings on each rung of the ladder of co-production, "
         "from co-production at the top to coercion at the bottom</title>\n",
         top * 2 + row * REPORT_RUNGS, top * 2 + row * REPORT_RUNGS);
    for (int g = REPORT_RUNGS - 1; g >= 0; g--) {
        int y = top + row * (REPORT_RUNGS - 1 - g);
        int bar = counts[g] ? (int)(counts[g] * (size_t)width / most) : 0;
        if (counts[g] && bar < 3)
            bar = 3;
        addf(p, "<g class=\"rung\" data-rung=\"%s\">", rungs[g].key + 7);
        if (g == place)
            addf(p, "<rect x=\"0\" y=\"%d\" width=\"640\" height=\"%d\" fill=\"#efe7f7\"/>", y,
                 row);
        addf(p,
             "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>"
             "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>",
             label + 8, y + row, label + 8 + width, y + row, label, y + 22, rungs[g].name);
        if (bar)
            addf(p,
                 "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                 "fill=\"%s\"/>",
                 label + 8, y + 7, bar, row - 12, g == place ? "#4b2a70" : "#8f78aa");
        addf(p, "<text x=\"%d\" y=\"%d\">%zu%s</text></g>\n", label + 16 + bar, y + 22, counts[g],
             g == place ? "  \xE2\x97\x80 most findings" : "");
    }
    adds(p, "</svg></figure>\n");
}

/* Where the language sits on the ladder, the chart, the counts and what
 * the ladder is. */
static void add_ladder(page *p, const report *r, const size_t counts[REPORT_RUNGS])
{
    int place = report_ladder_place(counts);
    size_t on_ladder = 0;
    for (int g = 0; g < REPORT_RUNGS; g++)
        on_ladder += counts[g];
    const char *what = r->n_files == 1 ? "this document" : "these documents";
    adds(p, "<section id=\"ladder\" aria-labelledby=\"ladder-h\">\n"
            "<h3 id=\"ladder-h\">On the ladder of co-production</h3>\n<p class=\"place\">");
    if (place < 0) {
        addf(p,
             "No finding puts the language of %s on a lower rung of the ladder. "
             "That is a good sign, though words alone cannot show that a plan reaches "
             "co-design or co-production: what people do together shows that.",
             what);
    } else {
        addf(p, "The language of %s sits mostly on the <strong>%s</strong> rung: ", what,
             rungs[place].name);
        if (on_ladder == 1) {
            adds(p, "the one finding that points to a rung is there.");
        } else {
            if (counts[place] == on_ladder)
                adds(p, "all ");
            else {
                add_count(p, counts[place]);
                adds(p, " of the ");
            }
            add_count(p, on_ladder);
            adds(p, " findings that point to a rung are there.");
        }
    }
    adds(p, "</p>\n");
    add_chart(p, counts, place);
    adds(p, "<div class=\"table\"><table>\n<caption>Findings by rung, top rung first</caption>\n"
            "<thead><tr><th scope=\"col\">Rung</th><th scope=\"col\">What it means</th>"
            "<th scope=\"col\" class=\"n\">Findings</th></tr></thead><tbody>\n");
    for (int g = REPORT_RUNGS - 1; g >= 0; g--) {
        addf(p, "<tr><th scope=\"row\">%s</th><td>", rungs[g].name);
        adds(p, rungs[g].meaning);
        adds(p, "</td><td class=\"n\">");
        add_count(p, counts[g]);
        adds(p, "</td></tr>\n");
    }
    adds(p, "</tbody></table></div>\n"
            "<h4>What the ladder is</h4>\n"
            "<p>Think Local Act Personal pictures the ways an organisation can involve the "
            "people who draw on care and support as a ladder with seven rungs. On the lower "
            "five, the organisation keeps the power: people are made to listen, taught, told, "
            "asked, or heard when it suits. Higher up, people help design services, and at the "
            "top, co-production, they work as equals with the organisation from start to "
            "finish.</p>\n"
            "<p>Some of hmmm's rules know words that belong on a lower rung, such as "
            "\xE2\x80\x9C"
            "consult\xE2\x80\x9D or \xE2\x80\x9Cinform\xE2\x80\x9D; each is tied to "
            "its rung through the glossary. The chart counts their findings on each rung, and "
            "the page places the language on the rung with the most (the lower one when two "
            "have as many). No rule points at co-design or co-production: those rungs are "
            "reached by what people do together, not by the words used. Findings of other "
            "rules are not counted here.</p>\n"
            "<p class=\"src\">Source: the ladder of co-production from Think Local Act "
            "Personal, in <cite>Co-production: it\xE2\x80\x99s a long-term relationship</cite> "
            "(<a href=\"https://www.thinklocalactpersonal.org.uk/\">"
            "thinklocalactpersonal.org.uk</a>). The descriptions above are hmmm\xE2\x80\x99s "
            "own.</p>\n</section>\n");
}

/* The summary at the top of the page. */
static void add_summary(page *p, const report *r, const summary *s,
                        const rule_stat *const *by_count, size_t n_found_rules)
{
    adds(p, "<section id=\"summary\" aria-labelledby=\"summary-h\">\n"
            "<h2 id=\"summary-h\">Summary</h2>\n<p>");
    if (s->findings) {
        add_counted(p, s->findings, "finding", "findings");
        adds(p, " in ");
    } else {
        adds(p, "No findings in ");
    }
    add_counted(p, r->n_files, "file", "files");
    if (s->findings) {
        adds(p, ": ");
        add_level_counts(p, s->by_level);
    }
    adds(p, ".</p>\n<dl class=\"stats\">");
    add_stat(p, "Findings", s->findings);
    for (int lv = HMMM_ERROR; lv >= HMMM_SUGGESTION; lv--) {
        addf(p, "<div><dt>%s %ss</dt><dd>", level_shape((hmmm_level)lv),
             level_word((hmmm_level)lv));
        add_count(p, s->by_level[lv]);
        adds(p, "</dd></div>");
    }
    add_stat(p, "Words checked", s->words);
    add_density(p, s->findings, s->words);
    adds(p, "</dl>\n");
    adds(p, "<p>In the text, each finding is marked by its level: ");
    for (int lv = HMMM_SUGGESTION; lv <= HMMM_ERROR; lv++) {
        addf(p, "<span class=\"hl lv-%s\">%s</span>%s", hmmm_level_name((hmmm_level)lv),
             lv == HMMM_SUGGESTION ? "suggestions dotted"
             : lv == HMMM_WARNING  ? "warnings wavy"
                                   : "errors doubly underlined",
             lv == HMMM_SUGGESTION ? ", "
             : lv == HMMM_WARNING  ? " and "
                                   : "");
    }
    adds(p, ". A dashed box shows words that more than one rule found. Choose a highlight "
            "to read what the rule says, or follow it to the list below the text.</p>\n");
    size_t counts[REPORT_RUNGS] = {0};
    for (size_t i = 0; i < r->n_rules; i++)
        if (r->rules[i].rung >= 0)
            counts[r->rules[i].rung] += r->rules[i].n_found;
    add_ladder(p, r, counts);
    if (n_found_rules) {
        add_packs(p, r, by_count, n_found_rules);
        add_rules_table(p, by_count, n_found_rules);
    }
    adds(p, "</section>\n");
}

/* One rule's entry: what it says, why, what to write, glossary, source and
 * where it was found. */
static void add_rule(page *p, const report *r, const rule_stat *st)
{
    const hmmm_rule *rule = st->rule;
    addf(p, "<article class=\"rule\" id=\"rule-%zu\" aria-labelledby=\"rule-%zu-h\">\n", st->index,
         st->index);
    addf(p, "<h3 id=\"rule-%zu-h\"><code>", st->index);
    add_text(p, rule->id, 0);
    adds(p, "</code> ");
    add_badge(p, rule->level);
    adds(p, "</h3>\n");
    if (rule->why) {
        adds(p, "<p class=\"why\">");
        add_text(p, rule->why, 0);
        adds(p, "</p>\n");
    }
    add_suggestions(p, rule);
    int any = 0;
    for (size_t k = 0; k < rule->n_glossary; k++) {
        const hmmm_gloss *g = rule->glossary[k];
        if (!g)
            continue;
        adds(p, any++ ? "" : "<dl class=\"gloss\">\n");
        adds(p, "<dt>");
        add_text(p, g->term, 0);
        adds(p, "</dt><dd>");
        add_text(p, g->definition, 0);
        if (g->source) {
            adds(p, " <span class=\"src\">Source: ");
            add_text(p, g->source, 0);
            adds(p, "</span>");
        }
        adds(p, "</dd>\n");
    }
    adds(p, any ? "</dl>\n" : "");
    if (rule->source || web_link(rule->link)) {
        adds(p, "<p class=\"src rsrc\">");
        if (rule->source) {
            adds(p, "Source: ");
            add_text(p, rule->source, 0);
            adds(p, ". ");
        }
        if (web_link(rule->link)) {
            adds(p, "<a href=\"");
            add_text(p, rule->link, 1);
            adds(p, "\">Read more</a>");
        }
        adds(p, "</p>\n");
    }
    adds(p, "<p class=\"found\">Found ");
    add_counted(p, st->n_found, "time", "times");
    size_t file = SIZE_MAX;
    for (size_t i = 0; i < st->n_found; i++) {
        const finding_ref *ref = &r->refs[st->found[i] - 1];
        if (ref->file != file) {
            adds(p, file == SIZE_MAX ? ": in " : "; in ");
            add_text(p, r->files[ref->file], 0);
            file = ref->file;
        } else {
            adds(p, ",");
        }
        addf(p, " <a href=\"#finding-%zu\">%u:%u</a>", st->found[i], ref->line, ref->column);
    }
    adds(p, ".</p>\n</article>\n");
}

int report_end(report *r, const summary *s)
{
    if (r->failed)
        return 0; /* already said; a page cut short is not written */
    size_t n_found = 0;
    for (size_t i = 0; i < r->n_rules; i++)
        n_found += r->rules[i].n_found != 0;
    const rule_stat **by_count = malloc((n_found ? n_found : 1) * sizeof *by_count);
    if (!by_count)
        return -1;
    for (size_t i = 0, k = 0; i < r->n_rules; i++)
        if (r->rules[i].n_found)
            by_count[k++] = &r->rules[i];
    qsort(by_count, n_found, sizeof *by_count, cmp_by_count);

    page head = {0}, tail = {0};
    adds(&head, "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                "<title>");
    add_title(&head, r);
    adds(&head, "</title>\n");
    adds(&head, style);
    adds(&head, "</head>\n<body>\n");
    adds(&head, r->n_files ? "<a class=\"skip\" href=\"#file-1\">Skip to the text</a>\n" : "");
    adds(&head, "<header>\n<h1>");
    add_title(&head, r);
    adds(&head, "</h1>\n<p>Words and phrases that can work against co-production, found by "
                "hmmm, with why each jars and what to write instead.</p>\n</header>\n"
                "<nav aria-label=\"Contents\"><ul><li><a href=\"#summary\">Summary</a></li>");
    for (size_t i = 0; i < r->n_files; i++) {
        addf(&head, "<li><a href=\"#file-%zu\">", i + 1);
        add_text(&head, r->files[i], 0);
        adds(&head, "</a></li>");
    }
    adds(&head, n_found ? "<li><a href=\"#rules\">About the rules</a></li></ul></nav>\n<main>\n"
                        : "</ul></nav>\n<main>\n");
    add_summary(&head, r, s, by_count, n_found);

    if (n_found) {
        adds(&tail, "<section id=\"rules\" aria-labelledby=\"rules-h\">\n"
                    "<h2 id=\"rules-h\">About the rules</h2>\n"
                    "<p>Each rule found in the text: why the words can jar, what to write "
                    "instead, the glossary and where each finding is.</p>\n");
        /* In the ruleset's order, as hmmm rules lists them. */
        for (size_t i = 1; i <= r->n_rules; i++)
            for (size_t k = 0; k < n_found; k++)
                if (by_count[k]->index == i)
                    add_rule(&tail, r, by_count[k]);
        adds(&tail, "</section>\n");
    }
    addf(&tail,
         "</main>\n<footer><p>Made by hmmm %s. Nothing in this page is fetched from "
         "elsewhere: it can be saved, sent and printed as it is.</p></footer>\n"
         "<aside id=\"panel\" aria-label=\"The finding chosen\" hidden>"
         "<button type=\"button\" id=\"panel-close\">Close</button>"
         "<div id=\"panel-body\" aria-live=\"polite\"></div></aside>\n",
         hmmm_version());
    adds(&tail, script);
    adds(&tail, "</body>\n</html>\n");
    int rc = 0;
    if (head.failed || tail.failed) {
        rc = -1;
    } else {
        page_write(&head, r->out);
        page_write(&r->body, r->out);
        page_write(&tail, r->out);
    }
    page_free(&head);
    page_free(&tail);
    free(by_count);
    return rc;
}
