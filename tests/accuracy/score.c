/* score.c - measures how well hmmm's rules agree with hand-labelled passages.
 *
 *   hmmm_accuracy [options] DATASET.yaml...
 *
 * Each dataset file names one pack and lists short real passages, each with
 * every finding of that pack a careful reader would want (see README.md in
 * this folder). Every passage is checked as plain text with the built-in
 * packs; only the file's pack is scored. A finding is a true positive when an
 * expected occurrence has the same rule and the same words (compared
 * ignoring ASCII case, with runs of white space folded to one space); every
 * other finding is a false positive and every expected occurrence left over
 * is a false negative.
 *
 * Prints a table per pack (one row per rule), the overall figures, every
 * false positive and false negative grouped by rule, and last a line
 *
 *   accuracy: precision P, recall R over N labelled occurrences
 *
 * Exit status: 0; 1 when --min-precision or --min-recall is not met; 2 for a
 * usage error, a dataset that cannot be read or is not valid, or rules that
 * do not load.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- small helpers -------------------------------------------------------- */

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) {
        fputs("hmmm_accuracy: out of memory\n", stderr);
        exit(2);
    }
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("hmmm_accuracy: out of memory\n", stderr);
        exit(2);
    }
    return q;
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* S in ASCII lower case with leading and trailing white space dropped and
 * every run of white space inside folded to one space. */
static char *fold(const char *s)
{
    size_t n = strlen(s);
    char *out = xcalloc(n + 1, 1);
    size_t o = 0;
    int pending = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (is_space(*p)) {
            pending = o > 0;
            continue;
        }
        if (pending)
            out[o++] = ' ';
        pending = 0;
        out[o++] = (char)lower(*p);
    }
    out[o] = '\0';
    return out;
}

/* Finds folded NEEDLE in TEXT the way fold() compares; on success sets
 * *START and *END (byte offsets into TEXT) and returns 1. */
static int find_folded(const char *text, size_t len, const char *needle, size_t *start, size_t *end)
{
    if (!*needle)
        return 0;
    const unsigned char *t = (const unsigned char *)text;
    for (size_t i = 0; i < len; i++) {
        if (is_space(t[i]))
            continue;
        size_t j = i;
        const unsigned char *q = (const unsigned char *)needle;
        while (*q) {
            if (*q == ' ') {
                if (j >= len || !is_space(t[j]))
                    break;
                while (j < len && is_space(t[j]))
                    j++;
                q++;
            } else if (j < len && lower(t[j]) == *q) {
                j++;
                q++;
            } else {
                break;
            }
        }
        if (!*q) {
            *start = i;
            *end = j;
            return 1;
        }
    }
    return 0;
}

static double ratio(size_t num, size_t den)
{
    return den ? (double)num / (double)den : 1.0;
}

/* ---- the dataset ---------------------------------------------------------- */

typedef struct expectation {
    const hmmm_rule *rule;
    const char *match; /* as written in the dataset */
    char *folded;
    int used;
} expectation;

typedef struct passage {
    const char *file; /* the dataset file */
    unsigned line;    /* where the passage starts in it */
    const char *pack;
    const char *source;
    const char *text;
    size_t len;
    expectation *ex;
    size_t n_ex;
} passage;

typedef struct dataset {
    hm_arena arena; /* every YAML tree; the passages' strings live here */
    passage *items;
    size_t n, cap;
    int errors;
} dataset;

static void bad(dataset *ds, const char *file, const hm_node *at, const char *fmt, ...)
    HM_PRINTF(4, 5);

static void bad(dataset *ds, const char *file, const hm_node *at, const char *fmt, ...)
{
    if (at)
        fprintf(stderr, "%s:%u:%u: error: ", file, at->line, at->column);
    else
        fprintf(stderr, "%s: error: ", file);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    ds->errors++;
}

/* Reports every key of mapping MAP that is not in ALLOWED (NULL-terminated). */
static void check_keys(dataset *ds, const char *file, const hm_node *map,
                       const char *const *allowed)
{
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        const hm_node *k = map->items[i];
        int ok = 0;
        for (const char *const *a = allowed; *a && k->kind == HM_SCALAR; a++)
            ok |= !strcmp(k->str, *a);
        if (!ok)
            bad(ds, file, k, "unknown key \"%s\"", k->kind == HM_SCALAR ? k->str : "?");
    }
}

/* The string value of KEY in MAP, or NULL (reported) when it is missing,
 * not a string or empty. */
static const char *need_string(dataset *ds, const char *file, const hm_node *map, const char *key)
{
    const hm_node *v = hm_yaml_get(map, key);
    if (!v) {
        bad(ds, file, map, "missing \"%s\"", key);
        return NULL;
    }
    if (v->kind != HM_SCALAR || v->len == 0) {
        bad(ds, file, v, "\"%s\" must be a non-empty string", key);
        return NULL;
    }
    return v->str;
}

static const hmmm_rule *find_rule(const hmmm_ruleset *rs, const char *pack, const char *name)
{
    size_t n = strlen(pack) + strlen(name) + 2;
    char *id = xcalloc(n, 1);
    if (strchr(name, '.'))
        snprintf(id, n, "%s", name);
    else
        snprintf(id, n, "%s.%s", pack, name);
    const hmmm_rule *r = hmmm_ruleset_find_rule(rs, id);
    free(id);
    return r;
}

static int pack_loaded(const hmmm_ruleset *rs, const char *name)
{
    for (size_t i = 0; i < hmmm_ruleset_pack_count(rs); i++)
        if (!strcmp(hmmm_ruleset_pack(rs, i)->name, name))
            return 1;
    return 0;
}

static void load_passage(dataset *ds, const hmmm_ruleset *rs, const char *file, const char *pack,
                         const hm_node *node)
{
    static const char *const keys[] = {"source", "text", "expect", "note", NULL};
    static const char *const ex_keys[] = {"rule", "match", "note", NULL};
    if (node->kind != HM_MAP) {
        bad(ds, file, node, "a passage must be a mapping with source, text and expect");
        return;
    }
    check_keys(ds, file, node, keys);
    passage p = {.file = file, .line = node->line, .pack = pack};
    p.source = need_string(ds, file, node, "source");
    const hm_node *text = hm_yaml_get(node, "text");
    p.text = need_string(ds, file, node, "text");
    if (text && p.text)
        p.len = text->len;
    const hm_node *ex = hm_yaml_get(node, "expect");
    if (!ex) {
        bad(ds, file, node, "missing \"expect\" (write expect: [] when nothing should be flagged)");
        return;
    }
    if (ex->kind != HM_SEQ) {
        bad(ds, file, ex, "\"expect\" must be a list (expect: [] when nothing should be flagged)");
        return;
    }
    p.ex = xcalloc(ex->n, sizeof *p.ex);
    for (size_t i = 0; i < ex->n; i++) {
        const hm_node *e = ex->items[i];
        if (e->kind != HM_MAP) {
            bad(ds, file, e, "an expected finding must be a mapping {rule: ..., match: ...}");
            continue;
        }
        check_keys(ds, file, e, ex_keys);
        const char *rule = need_string(ds, file, e, "rule");
        const char *match = need_string(ds, file, e, "match");
        if (!rule || !match)
            continue;
        const hmmm_rule *r = find_rule(rs, pack, rule);
        if (!r) {
            bad(ds, file, hm_yaml_get(e, "rule"), "no rule \"%s\" in the loaded packs", rule);
            continue;
        }
        if (strcmp(r->pack, pack)) {
            bad(ds, file, hm_yaml_get(e, "rule"),
                "rule \"%s\" is not in this file's pack (only that pack is scored)", r->id);
            continue;
        }
        char *folded = fold(match);
        size_t s, t;
        if (!p.text || !find_folded(p.text, p.len, folded, &s, &t)) {
            bad(ds, file, hm_yaml_get(e, "match"), "match \"%s\" is not in the passage's text",
                match);
            free(folded);
            continue;
        }
        p.ex[p.n_ex++] = (expectation){.rule = r, .match = match, .folded = folded};
    }
    if (!p.source || !p.text) {
        for (size_t i = 0; i < p.n_ex; i++)
            free(p.ex[i].folded);
        free(p.ex);
        return;
    }
    if (ds->n == ds->cap) {
        ds->cap = ds->cap ? ds->cap * 2 : 256;
        ds->items = xrealloc(ds->items, ds->cap * sizeof *ds->items);
    }
    ds->items[ds->n++] = p;
}

static void load_dataset(dataset *ds, const hmmm_ruleset *rs, const char *file)
{
    static const char *const keys[] = {"pack", "description", "passages", NULL};
    char *data;
    size_t len;
    int err = hm_read_file(file, &data, &len);
    if (err) {
        fprintf(stderr, "%s: error: cannot read: %s\n", file, strerror(err));
        ds->errors++;
        return;
    }
    hmmm_diags *diags = hmmm_diags_new();
    if (!diags) {
        fputs("hmmm_accuracy: out of memory\n", stderr);
        exit(2);
    }
    hm_node *root = hm_yaml_parse(&ds->arena, file, data, len, diags);
    free(data);
    for (size_t i = 0; i < hmmm_diags_count(diags); i++) {
        const hmmm_diag *d = hmmm_diags_get(diags, i);
        fprintf(stderr, "%s:%u:%u: error: %s\n", d->file, d->line, d->column, d->message);
        ds->errors++;
    }
    hmmm_diags_free(diags);
    if (!root)
        return;
    if (root->kind != HM_MAP) {
        bad(ds, file, root, "a dataset must be a mapping with pack and passages");
        return;
    }
    check_keys(ds, file, root, keys);
    const char *pack = need_string(ds, file, root, "pack");
    if (!pack)
        return;
    if (!pack_loaded(rs, pack)) {
        bad(ds, file, hm_yaml_get(root, "pack"), "pack \"%s\" is not loaded", pack);
        return;
    }
    const hm_node *ps = hm_yaml_get(root, "passages");
    if (!ps || ps->kind != HM_SEQ) {
        bad(ds, file, ps ? ps : root, "\"passages\" must be a list");
        return;
    }
    for (size_t i = 0; i < ps->n; i++)
        load_passage(ds, rs, file, pack, ps->items[i]);
}

/* ---- scoring -------------------------------------------------------------- */

typedef struct counts {
    size_t tp, fp, fn;
} counts;

enum { FALSE_POSITIVE, FALSE_NEGATIVE };

typedef struct issue {
    int kind;
    size_t rule; /* index in the ruleset */
    const passage *p;
    const char *match; /* a false negative's expected words */
    size_t start, end; /* the span in the passage's text */
    int located;
    size_t other; /* 1 + index of an issue of the other kind, same rule and passage */
    size_t seq;
} issue;

typedef struct scorer {
    hmmm_ruleset *rs;
    counts *by_rule; /* indexed like the ruleset's rules */
    issue *issues;
    size_t n_issues, cap_issues;
    int errors;
} scorer;

static size_t rule_index(const hmmm_ruleset *rs, const hmmm_rule *r)
{
    size_t n = hmmm_ruleset_rule_count(rs);
    for (size_t i = 0; i < n; i++)
        if (hmmm_ruleset_rule(rs, i) == r)
            return i;
    return n; /* not reached: findings and labels come from the ruleset */
}

static issue *add_issue(scorer *sc, int kind, size_t rule, const passage *p)
{
    if (sc->n_issues == sc->cap_issues) {
        sc->cap_issues = sc->cap_issues ? sc->cap_issues * 2 : 64;
        sc->issues = xrealloc(sc->issues, sc->cap_issues * sizeof *sc->issues);
    }
    issue *is = &sc->issues[sc->n_issues];
    *is = (issue){.kind = kind, .rule = rule, .p = p, .seq = sc->n_issues};
    sc->n_issues++;
    return is;
}

static void score_passage(scorer *sc, passage *p)
{
    hmmm_result *res = NULL;
    hmmm_status st = hmmm_check(sc->rs, p->text, p->len, HMMM_TEXT, &res);
    if (st != HMMM_OK) {
        fprintf(stderr, "%s:%u: error: the passage could not be checked (status %d)\n", p->file,
                p->line, (int)st);
        sc->errors++;
        hmmm_result_free(res);
        return;
    }
    size_t first = sc->n_issues;
    for (size_t i = 0; i < hmmm_result_count(res); i++) {
        const hmmm_finding *f = hmmm_result_get(res, i);
        if (strcmp(f->rule->pack, p->pack))
            continue;
        size_t ri = rule_index(sc->rs, f->rule);
        char *folded = fold(f->match);
        expectation *hit = NULL;
        for (size_t k = 0; k < p->n_ex && !hit; k++)
            if (!p->ex[k].used && p->ex[k].rule == f->rule && !strcmp(p->ex[k].folded, folded))
                hit = &p->ex[k];
        free(folded);
        if (hit) {
            hit->used = 1;
            sc->by_rule[ri].tp++;
            continue;
        }
        sc->by_rule[ri].fp++;
        issue *is = add_issue(sc, FALSE_POSITIVE, ri, p);
        is->start = f->offset;
        is->end = f->offset + f->length;
        is->located = is->end <= p->len;
    }
    hmmm_result_free(res);
    for (size_t k = 0; k < p->n_ex; k++) {
        expectation *e = &p->ex[k];
        if (e->used)
            continue;
        size_t ri = rule_index(sc->rs, e->rule);
        sc->by_rule[ri].fn++;
        issue *is = add_issue(sc, FALSE_NEGATIVE, ri, p);
        is->match = e->match;
        is->located = find_folded(p->text, p->len, e->folded, &is->start, &is->end);
    }
    /* Near misses: the rule fired in the passage, but not on the words that
     * were labelled. Point each at the other. */
    for (size_t i = first; i < sc->n_issues; i++)
        for (size_t j = first; j < sc->n_issues && !sc->issues[i].other; j++)
            if (sc->issues[j].kind != sc->issues[i].kind &&
                sc->issues[j].rule == sc->issues[i].rule)
                sc->issues[i].other = j + 1;
}

static int by_rule_then_kind(const void *a, const void *b)
{
    const issue *x = a, *y = b;
    if (x->rule != y->rule)
        return x->rule < y->rule ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* ---- output --------------------------------------------------------------- */

static void print_ratio(size_t num, size_t den)
{
    if (den)
        printf("  %9.3f", ratio(num, den));
    else
        printf("  %9s", "-");
}

static void print_row(const char *name, counts c)
{
    printf("  %-40s %5zu %5zu %5zu", name, c.tp, c.fp, c.fn);
    print_ratio(c.tp, c.tp + c.fp);
    print_ratio(c.tp, c.tp + c.fn);
    putchar('\n');
}

/* Prints LEN bytes of S on one line: line breaks and tabs as \n and \t. */
static void print_flat(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            fputs("\\n", stdout);
        else if (s[i] == '\t')
            fputs("\\t", stdout);
        else if (s[i] != '\r')
            putchar(s[i]);
    }
}

/* An issue's words: a false positive's from the passage, folded. */
static void print_words(const issue *is)
{
    putchar('"');
    if (is->kind == FALSE_NEGATIVE) {
        fputs(is->match, stdout);
    } else if (is->located) {
        int space = 0;
        for (size_t i = is->start; i < is->end; i++) {
            unsigned char c = (unsigned char)is->p->text[i];
            if (is_space(c)) {
                space = 1;
                continue;
            }
            if (space)
                putchar(' ');
            space = 0;
            putchar(c);
        }
    }
    putchar('"');
}

static void print_issue(const scorer *sc, const issue *is)
{
    const passage *p = is->p;
    printf("    %s ", is->kind == FALSE_POSITIVE ? "FP" : "FN");
    print_words(is);
    if (is->other) {
        const issue *o = &sc->issues[is->other - 1];
        printf(is->kind == FALSE_POSITIVE ? "  (labelled here: " : "  (the rule matched ");
        print_words(o);
        putchar(')');
    }
    printf("\n       %s:%u  %s\n       ", p->file, p->line, p->source);
    if (is->located) {
        print_flat(p->text, is->start);
        fputs("[[", stdout);
        print_flat(p->text + is->start, is->end - is->start);
        fputs("]]", stdout);
        print_flat(p->text + is->end, p->len - is->end);
    } else {
        print_flat(p->text, p->len);
    }
    putchar('\n');
}

/* ---- main ----------------------------------------------------------------- */

static void usage(FILE *to)
{
    fputs("usage: hmmm_accuracy [options] DATASET.yaml...\n"
          "\n"
          "Scores the rules against hand-labelled passages (see tests/accuracy/README.md).\n"
          "\n"
          "  --min-precision X   exit 1 when the overall precision is below X (0 to 1)\n"
          "  --min-recall Y      exit 1 when the overall recall is below Y (0 to 1)\n"
          "  --rules PATH        also load a rule file or a folder of them (repeatable)\n"
          "  --no-builtin        do not load the built-in packs\n"
          "  -q, --quiet         print the tables and the closing line, not every FP and FN\n"
          "  -h, --help          show this help\n",
          to);
}

static int parse_fraction(const char *opt, const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= 0.0 && v <= 1.0)) {
        fprintf(stderr, "hmmm_accuracy: %s wants a number from 0 to 1, not \"%s\"\n", opt, s);
        return -1;
    }
    *out = v;
    return 0;
}

static int print_diags(const hmmm_diags *diags)
{
    size_t n = hmmm_diags_count(diags);
    for (size_t i = 0; i < n; i++) {
        const hmmm_diag *d = hmmm_diags_get(diags, i);
        fprintf(stderr, "%s:%u:%u: error: %s\n", d->file, d->line, d->column, d->message);
    }
    return n > 0;
}

static hmmm_ruleset *load_rules(int builtin, const char *const *paths, size_t n_paths)
{
    hmmm_ruleset *rs = hmmm_ruleset_new();
    hmmm_diags *diags = hmmm_diags_new();
    if (!rs || !diags) {
        fputs("hmmm_accuracy: out of memory\n", stderr);
        exit(2);
    }
    int failed = builtin && hmmm_ruleset_load_builtin(rs, NULL, 0, diags) != HMMM_OK;
    for (size_t i = 0; i < n_paths && !failed; i++)
        failed = hmmm_ruleset_load_path(rs, paths[i], diags) != HMMM_OK;
    if (!failed)
        failed = hmmm_ruleset_compile(rs, diags) != HMMM_OK;
    failed |= print_diags(diags);
    hmmm_diags_free(diags);
    if (failed) {
        hmmm_ruleset_free(rs);
        return NULL;
    }
    return rs;
}

typedef struct options {
    double min_precision, min_recall;
    int builtin, quiet;
    const char **files, **rule_paths;
    size_t n_files, n_rule_paths;
} options;

/* Returns 0 to go on, 1 after --help, 2 on a usage error. */
static int parse_args(options *o, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 1;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            o->quiet = 1;
        } else if (!strcmp(a, "--no-builtin")) {
            o->builtin = 0;
        } else if (!strcmp(a, "--min-precision") || !strcmp(a, "--min-recall") ||
                   !strcmp(a, "--rules")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "hmmm_accuracy: %s needs a value\n", a);
                return 2;
            }
            const char *v = argv[++i];
            if (!strcmp(a, "--rules"))
                o->rule_paths[o->n_rule_paths++] = v;
            else if (parse_fraction(
                         a, v, !strcmp(a, "--min-recall") ? &o->min_recall : &o->min_precision) < 0)
                return 2;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "hmmm_accuracy: unknown option %s\n", a);
            usage(stderr);
            return 2;
        } else {
            o->files[o->n_files++] = a;
        }
    }
    if (!o->n_files) {
        usage(stderr);
        return 2;
    }
    return 0;
}

/* Prints the tables, the FP and FN lists and the closing line; returns the
 * exit status for the thresholds. */
static int report(scorer *sc, const dataset *ds, const options *o)
{
    const hmmm_ruleset *rs = sc->rs;
    size_t n_rules = hmmm_ruleset_rule_count(rs);

    /* The packs scored, in the order the files name them. */
    const char **packs = xcalloc(ds->n + 1, sizeof *packs);
    size_t n_packs = 0;
    for (size_t i = 0; i < ds->n; i++) {
        size_t k = 0;
        while (k < n_packs && strcmp(packs[k], ds->items[i].pack))
            k++;
        if (k == n_packs)
            packs[n_packs++] = ds->items[i].pack;
    }

    counts all = {0};
    size_t all_passages = 0, all_clean = 0;
    for (size_t k = 0; k < n_packs; k++) {
        size_t passages = 0, clean = 0;
        for (size_t i = 0; i < ds->n; i++)
            if (!strcmp(ds->items[i].pack, packs[k])) {
                passages++;
                clean += ds->items[i].n_ex == 0;
            }
        counts total = {0};
        printf("pack %s: %zu passages (%zu with nothing to flag)\n", packs[k], passages, clean);
        printf("  %-40s %5s %5s %5s  %9s  %9s\n", "rule", "TP", "FP", "FN", "precision", "recall");
        for (size_t r = 0; r < n_rules; r++) {
            const hmmm_rule *rule = hmmm_ruleset_rule(rs, r);
            if (strcmp(rule->pack, packs[k]))
                continue;
            counts c = sc->by_rule[r];
            print_row(rule->name, c);
            total.tp += c.tp;
            total.fp += c.fp;
            total.fn += c.fn;
        }
        print_row("(pack)", total);
        putchar('\n');
        all.tp += total.tp;
        all.fp += total.fp;
        all.fn += total.fn;
        all_passages += passages;
        all_clean += clean;
    }
    free(packs);
    printf("overall: %zu passages (%zu with nothing to flag) in %zu file%s\n", all_passages,
           all_clean, o->n_files, o->n_files == 1 ? "" : "s");
    printf("  %-40s %5s %5s %5s  %9s  %9s\n", "", "TP", "FP", "FN", "precision", "recall");
    print_row("(all packs)", all);

    if (!o->quiet && sc->n_issues) {
        qsort(sc->issues, sc->n_issues, sizeof *sc->issues, by_rule_then_kind);
        /* the near-miss links hold positions from before sorting */
        size_t *where = xcalloc(sc->n_issues, sizeof *where);
        for (size_t i = 0; i < sc->n_issues; i++)
            where[sc->issues[i].seq] = i;
        for (size_t i = 0; i < sc->n_issues; i++)
            if (sc->issues[i].other)
                sc->issues[i].other = where[sc->issues[i].other - 1] + 1;
        free(where);
        printf("\nfalse positives (FP: flagged, not labelled) and false negatives (FN: "
               "labelled, not flagged), by rule\n");
        for (size_t i = 0; i < sc->n_issues; i++) {
            const issue *is = &sc->issues[i];
            if (i == 0 || sc->issues[i - 1].rule != is->rule) {
                counts c = sc->by_rule[is->rule];
                printf("\n  %s: %zu FP, %zu FN\n", hmmm_ruleset_rule(rs, is->rule)->id, c.fp, c.fn);
            }
            print_issue(sc, is);
        }
    }

    double precision = ratio(all.tp, all.tp + all.fp);
    double recall = ratio(all.tp, all.tp + all.fn);
    int rc = 0;
    putchar('\n');
    if (precision < o->min_precision) {
        printf("FAILED: precision %.3f is below --min-precision %.3f\n", precision,
               o->min_precision);
        rc = 1;
    }
    if (recall < o->min_recall) {
        printf("FAILED: recall %.3f is below --min-recall %.3f\n", recall, o->min_recall);
        rc = 1;
    }
    printf("accuracy: precision %.3f, recall %.3f over %zu labelled occurrences\n", precision,
           recall, all.tp + all.fn);
    return rc;
}

static void dataset_free(dataset *ds)
{
    for (size_t i = 0; i < ds->n; i++) {
        for (size_t k = 0; k < ds->items[i].n_ex; k++)
            free(ds->items[i].ex[k].folded);
        free(ds->items[i].ex);
    }
    free(ds->items);
    hm_arena_free(&ds->arena);
}

int main(int argc, char **argv)
{
    options o = {.builtin = 1};
    o.files = xcalloc((size_t)argc, sizeof *o.files);
    o.rule_paths = xcalloc((size_t)argc, sizeof *o.rule_paths);
    dataset ds = {0};
    scorer sc = {0};
    int rc = parse_args(&o, argc, argv);
    if (rc) {
        rc = rc == 1 ? 0 : 2;
        goto out;
    }
    rc = 2;
    sc.rs = load_rules(o.builtin, o.rule_paths, o.n_rule_paths);
    if (!sc.rs)
        goto out;
    for (size_t i = 0; i < o.n_files; i++)
        load_dataset(&ds, sc.rs, o.files[i]);
    if (ds.errors) {
        fprintf(stderr, "hmmm_accuracy: %d problem%s in the dataset; nothing scored\n", ds.errors,
                ds.errors == 1 ? "" : "s");
        goto out;
    }
    sc.by_rule = xcalloc(hmmm_ruleset_rule_count(sc.rs) + 1, sizeof *sc.by_rule);
    for (size_t i = 0; i < ds.n; i++)
        score_passage(&sc, &ds.items[i]);
    if (sc.errors)
        goto out;
    rc = report(&sc, &ds, &o);
out:
    dataset_free(&ds);
    free(sc.by_rule);
    free(sc.issues);
    hmmm_ruleset_free(sc.rs);
    free(o.files);
    free(o.rule_paths);
    return rc;
}
