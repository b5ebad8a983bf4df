/* ruleset.c - loads rule packs and glossaries from YAML, checks them against
 * the schema, and compiles every rule's pattern with PCRE2 and its JIT. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

/* ---- small checks ------------------------------------------------------ */

static int valid_id(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
            return 0;
    return 1;
}

typedef struct loader {
    hmmm_ruleset *rs;
    const char *file; /* in the ruleset's arena */
    hmmm_diags *diags;
    int errors;
    int nomem;
    int trusted; /* built-in rules, whose patterns the tests check */
} loader;

static void err(loader *l, const hm_node *n, const char *fmt, ...) HM_PRINTF(3, 4);

static void err(loader *l, const hm_node *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    l->errors++;
    if (hm_vdiag(l->diags, l->file, n ? n->line : 0, n ? n->column : 0, fmt, ap) == HMMM_ENOMEM)
        l->nomem = 1;
    va_end(ap);
}

static char *copy_str(loader *l, const char *s)
{
    char *d = hm_arena_strdup(&l->rs->arena, s);
    if (!d)
        l->nomem = 1;
    return d;
}

/* The text of a node, kept: built-in text lives as long as the program, so
 * it needs no copy. */
static char *node_str(loader *l, const hm_node *n)
{
    return l->trusted ? n->str : copy_str(l, n->str);
}

/* A scalar string value; reports and returns NULL if N is not one. */
static char *get_string(loader *l, const hm_node *n, const char *what, int allow_empty)
{
    if (!n || n->kind != HM_SCALAR) {
        err(l, n, "%s must be a string, not %s", what, n ? hm_yaml_kind_name(n->kind) : "?");
        return NULL;
    }
    if (!allow_empty && n->str[strspn(n->str, " \t\r\n")] == '\0') {
        err(l, n, "%s must not be empty", what);
        return NULL;
    }
    if (strlen(n->str) != n->len) {
        err(l, n, "%s must not contain a NUL character", what);
        return NULL;
    }
    return node_str(l, n);
}

/* A list of strings (a single string counts as a list of one). */
static char **get_list(loader *l, const hm_node *n, const char *key, const char *what,
                       size_t *count, unsigned **lines, unsigned **cols)
{
    *count = 0;
    if (n->kind == HM_SCALAR) {
        char **out = hm_arena_alloc(&l->rs->arena, sizeof *out);
        if (!out) {
            l->nomem = 1;
            return NULL;
        }
        if (lines) {
            *lines = hm_arena_alloc(&l->rs->arena, sizeof **lines);
            *cols = hm_arena_alloc(&l->rs->arena, sizeof **cols);
            if (!*lines || !*cols) {
                l->nomem = 1;
                return NULL;
            }
            (*lines)[0] = n->line;
            (*cols)[0] = n->column;
        }
        out[0] = get_string(l, n, what, 0);
        if (!out[0])
            return NULL;
        *count = 1;
        return out;
    }
    if (n->kind != HM_SEQ) {
        err(l, n, "%s must be a list of strings, not %s", key, hm_yaml_kind_name(n->kind));
        return NULL;
    }
    char **out = hm_arena_alloc(&l->rs->arena, (n->n + 1) * sizeof *out);
    if (lines) {
        *lines = hm_arena_alloc(&l->rs->arena, (n->n + 1) * sizeof **lines);
        *cols = hm_arena_alloc(&l->rs->arena, (n->n + 1) * sizeof **cols);
        if (!*lines || !*cols) {
            l->nomem = 1;
            return NULL;
        }
    }
    if (!out) {
        l->nomem = 1;
        return NULL;
    }
    int ok = 1;
    for (size_t i = 0; i < n->n; i++) {
        out[i] = get_string(l, n->items[i], what, 0);
        if (!out[i])
            ok = 0;
        if (lines) {
            (*lines)[i] = n->items[i]->line;
            (*cols)[i] = n->items[i]->column;
        }
    }
    out[n->n] = NULL;
    if (!ok)
        return NULL;
    *count = n->n;
    return out;
}

/* Reports keys of MAP that are not in ALLOWED, and duplicate keys. */
static int check_keys(loader *l, const hm_node *map, const char *const *allowed, const char *what)
{
    int ok = 1;
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        const hm_node *k = map->items[i];
        if (k->kind != HM_SCALAR) {
            err(l, k, "%s keys must be strings", what);
            ok = 0;
            continue;
        }
        int known = 0;
        for (const char *const *a = allowed; *a; a++)
            if (!strcmp(*a, k->str))
                known = 1;
        if (!known) {
            err(l, k, "unknown key '%s' in %s", k->str, what);
            ok = 0;
        }
        for (size_t j = 0; j < i; j += 2) {
            const hm_node *o = map->items[j];
            if (o->kind == HM_SCALAR && !strcmp(o->str, k->str)) {
                err(l, k, "duplicate key '%s' in %s", k->str, what);
                ok = 0;
                break;
            }
        }
    }
    return ok;
}

/* ---- glossary ---------------------------------------------------------- */

static const hm_gloss *find_gloss_key(const hmmm_ruleset *rs, const char *key)
{
    for (size_t i = 0; i < rs->gloss.n; i++) {
        const hm_gloss *g = rs->gloss.items[i];
        if (!strcmp(g->pub.key, key))
            return g;
    }
    return NULL;
}

static void load_gloss_entry(loader *l, const hm_node *n)
{
    static const char *const keys[] = {"key",    "term",     "aliases", "definition",
                                       "source", "see-also", NULL};
    if (n->kind != HM_MAP) {
        err(l, n, "a glossary entry must be a mapping, not %s", hm_yaml_kind_name(n->kind));
        return;
    }
    int before = l->errors;
    check_keys(l, n, keys, "glossary entry");
    hm_gloss *g = hm_arena_alloc(&l->rs->arena, sizeof *g);
    if (!g) {
        l->nomem = 1;
        return;
    }
    memset(g, 0, sizeof *g);
    g->pub.file = l->file;
    g->pub.line = n->line;
    g->pub.column = n->column;
    const hm_node *v;
    static const char *const required[] = {"key", "term", "definition"};
    for (size_t i = 0; i < 3; i++)
        if (!hm_yaml_get(n, required[i]))
            err(l, n, "glossary entry has no '%s'", required[i]);
    if ((v = hm_yaml_get(n, "key"))) {
        g->pub.key = get_string(l, v, "key", 0);
        if (g->pub.key && !valid_id(g->pub.key))
            err(l, v, "glossary key '%s' may use only a-z, 0-9 and '-'", g->pub.key);
        else if (g->pub.key && find_gloss_key(l->rs, g->pub.key))
            err(l, v, "duplicate glossary key '%s'", g->pub.key);
    }
    if ((v = hm_yaml_get(n, "term")))
        g->pub.term = get_string(l, v, "term", 0);
    if ((v = hm_yaml_get(n, "definition")))
        g->pub.definition = get_string(l, v, "definition", 0);
    if ((v = hm_yaml_get(n, "source")))
        g->pub.source = get_string(l, v, "source", 0);
    if ((v = hm_yaml_get(n, "aliases")))
        g->pub.aliases = (const char *const *)get_list(l, v, "aliases", "an alias",
                                                       &g->pub.n_aliases, NULL, NULL);
    if ((v = hm_yaml_get(n, "see-also")))
        g->pub.see_also = (const char *const *)get_list(
            l, v, "see-also", "a see-also key", &g->pub.n_see_also, &g->see_line, &g->see_col);
    for (size_t k = 0; g->pub.key && k < g->pub.n_see_also; k++)
        if (!strcmp(g->pub.see_also[k], g->pub.key)) {
            hm_node at = {.line = g->see_line[k], .column = g->see_col[k]};
            err(l, &at, "glossary entry '%s' sees also itself", g->pub.key);
        }
    if (l->errors == before && !l->nomem && hm_vec_push(&l->rs->gloss, g) < 0)
        l->nomem = 1;
}

/* ---- rules ------------------------------------------------------------- */

/* A message may say {match}; any other {name} is a typo that would be
 * shown to readers as it stands. */
static void check_placeholders(loader *l, const hm_node *n, const char *msg)
{
    for (const char *p = strchr(msg, '{'); p; p = strchr(p + 1, '{')) {
        size_t k = 1;
        while ((p[k] >= 'a' && p[k] <= 'z') || (p[k] >= 'A' && p[k] <= 'Z') || p[k] == '_' ||
               p[k] == '-')
            k++;
        if (k > 1 && p[k] == '}' && strncmp(p, "{match}", 7) != 0)
            err(l, n, "unknown placeholder '%.*s' in message (only {match} is filled in)",
                (int)k + 1, p);
    }
}

static const hm_rule *find_rule_id(const hmmm_ruleset *rs, const char *id)
{
    for (size_t i = 0; i < rs->rules.n; i++) {
        const hm_rule *r = rs->rules.items[i];
        if (!strcmp(r->pub.id, id))
            return r;
    }
    return NULL;
}

static void load_examples(loader *l, hm_rule *r, const hm_node *n)
{
    static const char *const keys[] = {"flag", "pass", NULL};
    if (n->kind != HM_MAP) {
        err(l, n, "examples must be a mapping with 'flag' and 'pass' lists, not %s",
            hm_yaml_kind_name(n->kind));
        return;
    }
    check_keys(l, n, keys, "examples");
    const hm_node *v;
    if ((v = hm_yaml_get(n, "flag")))
        r->pub.flag = (const char *const *)get_list(l, v, "flag", "a flag example", &r->pub.n_flag,
                                                    NULL, NULL);
    if ((v = hm_yaml_get(n, "pass")))
        r->pub.pass = (const char *const *)get_list(l, v, "pass", "a pass example", &r->pub.n_pass,
                                                    NULL, NULL);
}

const char *const hm_ctx_names[HM_N_CTX] = {
    "followed-by", "not-followed-by", "preceded-by", "not-preceded-by", "near", "not-near",
};

const char *hmmm_context_name(int kind)
{
    return kind >= 0 && kind < HM_N_CTX ? hm_ctx_names[kind] : NULL;
}

static unsigned get_count(loader *l, const hm_node *v, const char *what, unsigned max)
{
    char *end;
    unsigned long n = v->kind == HM_SCALAR ? strtoul(v->str, &end, 10) : 0;
    if (v->kind != HM_SCALAR || !v->len || *end || n > max) {
        err(l, v, "%s must be a whole number from 0 to %u", what, max);
        return 0;
    }
    return (unsigned)n;
}

static void load_context(loader *l, hm_rule *r, const hm_node *n)
{
    static const char *const keys[] = {
        "followed-by", "not-followed-by", "preceded-by", "not-preceded-by", "near", "not-near",
        "gap",         "window",          NULL};
    if (n->kind != HM_MAP) {
        err(l, n, "context must be a mapping of conditions, not %s", hm_yaml_kind_name(n->kind));
        return;
    }
    int before = l->errors;
    check_keys(l, n, keys, "context");
    int misspelt = l->errors > before; /* said already; "no conditions" would say it twice */
    int any = 0;
    for (int k = 0; k < HM_N_CTX; k++) {
        const hm_node *v = hm_yaml_get(n, hm_ctx_names[k]);
        if (!v)
            continue;
        r->ctx[k] = get_list(l, v, hm_ctx_names[k], "a context phrase", &r->n_ctx[k], NULL, NULL);
        any = 1;
    }
    const hm_node *v;
    if ((v = hm_yaml_get(n, "gap")))
        r->gap = get_count(l, v, "gap", 10);
    if ((v = hm_yaml_get(n, "window")))
        r->window = get_count(l, v, "window", 50);
    for (int k = 0; k < HM_N_CTX; k++) {
        r->pub.context[k] = (const char *const *)r->ctx[k];
        r->pub.n_context[k] = r->n_ctx[k];
    }
    if (!any && !misspelt)
        err(l, n, "context has no conditions (%s)",
            "followed-by, not-followed-by, preceded-by, not-preceded-by, near or not-near");
    r->pub.has_context = any;
}

static void load_rule(loader *l, const char *pack, const hm_node *n)
{
    static const char *const keys[] = {
        "id",       "level", "words",  "pattern", "case",     "exceptions", "message", "suggest",
        "glossary", "why",   "source", "link",    "examples", "context",    "fix",     NULL};
    if (n->kind != HM_MAP) {
        err(l, n, "a rule must be a mapping, not %s", hm_yaml_kind_name(n->kind));
        return;
    }
    int before = l->errors;
    check_keys(l, n, keys, "rule");
    hm_rule *r = hm_arena_alloc(&l->rs->arena, sizeof *r);
    if (!r) {
        l->nomem = 1;
        return;
    }
    memset(r, 0, sizeof *r);
    r->pub.pack = pack;
    r->pub.file = l->file;
    r->trusted = l->trusted;
    r->pub.line = n->line;
    r->pub.column = n->column;
    r->pub.level = HMMM_WARNING;
    r->gap = HM_DEFAULT_GAP;
    r->window = HM_DEFAULT_WINDOW;
    const hm_node *v;

    if (!(v = hm_yaml_get(n, "id"))) {
        err(l, n, "rule has no 'id'");
    } else if ((r->pub.name = get_string(l, v, "id", 0))) {
        if (!valid_id(r->pub.name)) {
            err(l, v, "rule id '%s' may use only a-z, 0-9 and '-'", r->pub.name);
        } else {
            hm_buf id = {0};
            if (hm_buf_printf(&id, "%s.%s", pack, r->pub.name) < 0) {
                l->nomem = 1;
                return;
            }
            r->pub.id = copy_str(l, id.data);
            hm_buf_free(&id);
            if (r->pub.id && find_rule_id(l->rs, r->pub.id))
                err(l, v, "duplicate rule id '%s'", r->pub.id);
        }
    }
    if ((v = hm_yaml_get(n, "level"))) {
        const char *s = get_string(l, v, "level", 0);
        hmmm_level lv;
        if (s && hmmm_level_parse(s, &lv) < 0)
            err(l, v, "level must be suggestion, warning or error, not '%s'", s);
        else if (s)
            r->pub.level = lv;
    }
    if ((v = hm_yaml_get(n, "case"))) {
        const char *s = get_string(l, v, "case", 0);
        if (s && !strcmp(s, "sensitive"))
            r->case_sensitive = 1;
        else if (s && strcmp(s, "insensitive") != 0)
            err(l, v, "case must be sensitive or insensitive, not '%s'", s);
    }
    if ((v = hm_yaml_get(n, "fix"))) {
        const char *s = get_string(l, v, "fix", 0);
        if (s && !v->quoted && (!strcmp(s, "true") || !strcmp(s, "false")))
            r->pub.fix = !strcmp(s, "true");
        else if (s)
            err(l, v, "fix must be true or false, not '%s'", s);
    }
    if ((v = hm_yaml_get(n, "words")))
        r->pub.words = (const char *const *)get_list(l, v, "words", "a phrase in words",
                                                     &r->pub.n_words, NULL, NULL);
    if ((v = hm_yaml_get(n, "pattern"))) {
        r->pub.pattern = get_string(l, v, "pattern", 0);
        r->pattern_line = v->line;
        r->pattern_col = v->column;
        r->pattern_quoted = v->quoted;
    }
    if (!hm_yaml_get(n, "words") && !hm_yaml_get(n, "pattern"))
        err(l, n, "rule has neither 'words' nor 'pattern'");
    if ((v = hm_yaml_get(n, "exceptions")))
        r->exceptions = get_list(l, v, "exceptions", "an exception", &r->n_exceptions, NULL, NULL);
    if (!(v = hm_yaml_get(n, "message")))
        err(l, n, "rule has no 'message'");
    else if ((r->pub.message = get_string(l, v, "message", 0)))
        check_placeholders(l, v, r->pub.message);
    if ((v = hm_yaml_get(n, "suggest")))
        r->pub.suggest = (const char *const *)get_list(l, v, "suggest", "a suggestion",
                                                       &r->pub.n_suggest, NULL, NULL);
    if ((v = hm_yaml_get(n, "glossary"))) {
        size_t count;
        r->gloss_keys =
            get_list(l, v, "glossary", "a glossary key", &count, &r->gloss_line, &r->gloss_col);
        r->pub.n_glossary = count;
    }
    if ((v = hm_yaml_get(n, "why")))
        r->pub.why = get_string(l, v, "why", 0);
    if ((v = hm_yaml_get(n, "source")))
        r->pub.source = get_string(l, v, "source", 0);
    if ((v = hm_yaml_get(n, "link")))
        r->pub.link = get_string(l, v, "link", 0);
    if ((v = hm_yaml_get(n, "examples")))
        load_examples(l, r, v);
    if ((v = hm_yaml_get(n, "context")))
        load_context(l, r, v);

    r->pub.exceptions = (const char *const *)r->exceptions;
    r->pub.n_exceptions = r->n_exceptions;
    r->pub.gap = r->gap;
    r->pub.window = r->window;
    if (l->errors == before && !l->nomem) {
        r->index = l->rs->rules.n;
        if (hm_vec_push(&l->rs->rules, r) < 0)
            l->nomem = 1;
    }
}

static void load_tree(loader *l, const hm_node *root)
{
    static const char *const keys[] = {"pack", "title", "description", "rules", "glossary", NULL};
    if (root->kind != HM_MAP) {
        err(l, root, "a rule file must be a mapping with 'pack' and 'rules', or 'glossary', not %s",
            hm_yaml_kind_name(root->kind));
        return;
    }
    check_keys(l, root, keys, "a rule file");
    const hm_node *pack = hm_yaml_get(root, "pack");
    const hm_node *rules = hm_yaml_get(root, "rules");
    const hm_node *gloss = hm_yaml_get(root, "glossary");
    if (!rules && !gloss) {
        err(l, root, "a rule file needs 'rules' (with 'pack') or 'glossary'");
        return;
    }
    if (gloss) {
        if (gloss->kind != HM_SEQ)
            err(l, gloss, "'glossary' must be a list of entries, not %s",
                hm_yaml_kind_name(gloss->kind));
        else
            for (size_t i = 0; i < gloss->n; i++)
                load_gloss_entry(l, gloss->items[i]);
    }
    if (!rules) {
        if (pack)
            err(l, pack, "'pack' is given but there are no 'rules'");
        return;
    }
    if (!pack) {
        err(l, root, "a rule file with 'rules' needs a 'pack' name");
        return;
    }
    hmmm_pack *p = hm_arena_alloc(&l->rs->arena, sizeof *p);
    if (!p) {
        l->nomem = 1;
        return;
    }
    memset(p, 0, sizeof *p);
    p->file = l->file;
    p->name = get_string(l, pack, "pack", 0);
    if (!p->name)
        return;
    if (!valid_id(p->name)) {
        err(l, pack, "pack name '%s' may use only a-z, 0-9 and '-'", p->name);
        return;
    }
    const hm_node *v;
    if ((v = hm_yaml_get(root, "title")))
        p->title = get_string(l, v, "title", 0);
    if ((v = hm_yaml_get(root, "description")))
        p->description = get_string(l, v, "description", 0);
    int known = 0;
    for (size_t i = 0; i < l->rs->packs.n; i++)
        if (!strcmp(((hmmm_pack *)l->rs->packs.items[i])->name, p->name))
            known = 1;
    if (!known && hm_vec_push(&l->rs->packs, p) < 0) {
        l->nomem = 1;
        return;
    }
    if (rules->kind != HM_SEQ) {
        err(l, rules, "'rules' must be a list of rules, not %s", hm_yaml_kind_name(rules->kind));
        return;
    }
    for (size_t i = 0; i < rules->n; i++)
        load_rule(l, p->name, rules->items[i]);
}

hmmm_status hmmm_ruleset_load_buffer(hmmm_ruleset *rs, const char *name, const char *data,
                                     size_t len, hmmm_diags *diags)
{
    if (rs->compiled)
        return hm_diag(diags, name, 0, 0, "rules cannot be added after compiling");
    hm_arena tree = {0};
    hm_node *root = hm_yaml_parse(&tree, name, data, len, diags);
    hmmm_status st = root ? hm_ruleset_load_tree(rs, name, root, 0, diags) : HMMM_EINVAL;
    hm_arena_free(&tree);
    return st;
}

hmmm_status hm_ruleset_load_tree(hmmm_ruleset *rs, const char *name, const hm_node *root,
                                 int trusted, hmmm_diags *diags)
{
    if (rs->compiled)
        return hm_diag(diags, name, 0, 0, "rules cannot be added after compiling");
    loader l = {.rs = rs, .diags = diags, .trusted = trusted};
    l.file = hm_arena_strdup(&rs->arena, name);
    if (!l.file)
        return HMMM_ENOMEM;
    if (root->kind == HM_NULL)
        err(&l, NULL, "the file is empty; a rule file needs 'pack' and 'rules', or 'glossary'");
    else
        load_tree(&l, root);
    if (l.nomem)
        return HMMM_ENOMEM;
    return l.errors ? HMMM_EINVAL : HMMM_OK;
}

static int is_yaml_name(const char *name)
{
    size_t n = strlen(name);
    return (n > 5 && !strcmp(name + n - 5, ".yaml")) || (n > 4 && !strcmp(name + n - 4, ".yml"));
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static hmmm_status load_dir(hmmm_ruleset *rs, const char *path, hmmm_diags *diags, int depth)
{
    if (depth > 32)
        return hm_diag(diags, path, 0, 0, "folders nested too deeply");
    DIR *d = opendir(path);
    if (!d)
        return hm_diag(diags, path, 0, 0, "cannot open folder: %s", strerror(errno)), HMMM_EIO;
    hm_vec names = {0};
    hmmm_status st = HMMM_OK;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char *s = hm_strdup(e->d_name);
        if (!s || hm_vec_push(&names, s) < 0) {
            hm_free(s);
            st = HMMM_ENOMEM;
            break;
        }
    }
    closedir(d);
    if (names.n)
        qsort(names.items, names.n, sizeof *names.items, cmp_str);
    for (size_t i = 0; i < names.n && st != HMMM_ENOMEM; i++) {
        hm_buf full = {0};
        if (hm_buf_printf(&full, "%s/%s", path, (char *)names.items[i]) < 0) {
            st = HMMM_ENOMEM;
            break;
        }
        struct stat sb;
        hmmm_status s = HMMM_OK;
        if (stat(full.data, &sb) == 0 && S_ISDIR(sb.st_mode))
            s = load_dir(rs, full.data, diags, depth + 1);
        else if (is_yaml_name(names.items[i]))
            s = hmmm_ruleset_load_path(rs, full.data, diags);
        hm_buf_free(&full);
        if (s != HMMM_OK && st != HMMM_ENOMEM)
            st = s;
    }
    for (size_t i = 0; i < names.n; i++)
        hm_free(names.items[i]);
    hm_vec_free(&names);
    return st;
}

hmmm_status hmmm_ruleset_load_path(hmmm_ruleset *rs, const char *path, hmmm_diags *diags)
{
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return load_dir(rs, path, diags, 0);
    char *data;
    size_t len;
    int e = hm_read_file_max(path, HM_SETTINGS_MAX, &data, &len);
    if (e == ENOMEM)
        return HMMM_ENOMEM;
    if (e == EFBIG)
        return hm_diag(diags, path, 0, 0,
                       "a rule file may hold at most %zu MB; this one holds more",
                       HM_SETTINGS_MAX >> 20);
    if (e) {
        hm_diag(diags, path, 0, 0, "cannot read rule file: %s", strerror(e));
        return HMMM_EIO;
    }
    hmmm_status st = hmmm_ruleset_load_buffer(rs, path, data, len, diags);
    hm_free(data);
    return st;
}

/* ---- compiling --------------------------------------------------------- */

pcre2_code *hm_compile(const char *pattern, size_t len, int case_sensitive, uint32_t extra, int jit,
                       int *errcode, size_t *erroffset)
{
    uint32_t opts = PCRE2_UTF | PCRE2_UCP | extra;
    if (!case_sensitive)
        opts |= PCRE2_CASELESS;
    PCRE2_SIZE off = 0;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, len, opts, errcode, &off, NULL);
    *erroffset = off;
    if (re && jit)
        pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* without JIT it still works */
    return re;
}

/* A bound on the number of words a match of any of the N PHRASES spans, as
 * the checker counts words: each run of ASCII letters and digits is one, and
 * so may be each character beyond ASCII. */
static unsigned phrases_words(char *const *phrases, size_t n)
{
    unsigned most = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned words = 1, in = 0;
        for (const unsigned char *p = (const unsigned char *)phrases[i]; *p; p++) {
            int w = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                    (*p >= '0' && *p <= '9') || *p == '_';
            words += (w && !in) + (*p >= 0xC0);
            in = w;
        }
        if (words > most)
            most = words;
    }
    return most;
}

/* Builds one alternation from a list of phrases (and an optional pattern). */
static int build_pattern(hm_buf *out, char *const *words, size_t n_words, const char *pattern)
{
    size_t first = out->len;
    if (hm_phrases_regex(out, words, n_words) < 0)
        return -1;
    if (pattern &&
        ((out->len > first && hm_buf_addc(out, '|') < 0) || hm_buf_adds(out, "(?:") < 0 ||
         hm_buf_adds(out, pattern) < 0 || hm_buf_addc(out, ')') < 0))
        return -1;
    return 0;
}

/* What may stand between a match and a neighbouring phrase: anything but
 * word characters and the ends of sentences and clauses. */
#define SEP "[^\\w.!?;:]"

/* A condition's pattern. followed-by is matched anchored at the end of the
 * match (\G); preceded-by against the text that ends where the match starts
 * (\z); near and not-near anywhere in the window. */
static int build_context(hm_buf *out, hm_ctx_kind kind, char *const *phrases, size_t n,
                         unsigned gap)
{
    int r = 0;
    if (kind == HM_FOLLOWED_BY || kind == HM_NOT_FOLLOWED_BY)
        r = hm_buf_printf(out, "\\G(?:" SEP "++\\w++){0,%u}" SEP "++(?:", gap);
    else
        r = hm_buf_adds(out, "(?:");
    if (r == 0)
        r = build_pattern(out, phrases, n, NULL);
    if (r == 0)
        r = hm_buf_addc(out, ')');
    if (r == 0 && (kind == HM_PRECEDED_BY || kind == HM_NOT_PRECEDED_BY))
        r = hm_buf_printf(out, "(?:" SEP "++\\w++){0,%u}" SEP "++\\z", gap);
    return r;
}

int hm_rule_source(const hm_rule *r, int which, hm_buf *out)
{
    if (which == HM_PAT_MAIN)
        return build_pattern(out, (char *const *)r->pub.words, r->pub.n_words, r->pub.pattern);
    if (which == HM_PAT_EXCEPTIONS)
        return build_pattern(out, r->exceptions, r->n_exceptions, NULL);
    return build_context(out, (hm_ctx_kind)which, r->ctx[which], r->n_ctx[which], r->gap);
}

uint32_t hm_rule_options(const hm_rule *r, int which, int indexed)
{
    (void)r;
    if (which == HM_PAT_MAIN)
        return indexed ? PCRE2_ANCHORED : 0;
    return which == HM_PAT_EXCEPTIONS ? PCRE2_USE_OFFSET_LIMIT : 0;
}

/* Pattern WHICH of R as it was compiled when hmmm was built, if it was and
 * with options EXTRA. NULL when not, or when this PCRE2 cannot read it (a
 * different version): then it is compiled as any other. *NOMEM is set when
 * out of memory. */
static pcre2_code *baked_code(const hm_rule *r, int which, uint32_t extra, int *nomem)
{
    const unsigned char *bytes = r->code[HM_PAT_SLOT(which)];
    if (!bytes ||
        (which == HM_PAT_MAIN && extra != hm_rule_options(r, which, r->baked == HM_KEYS_INDEXED)))
        return NULL;
    pcre2_code *code = NULL;
    int32_t got = pcre2_serialize_decode(&code, 1, bytes, NULL);
    *nomem = got == PCRE2_ERROR_NOMEMORY;
    return got == 1 ? code : NULL;
}

/* Compiles pattern WHICH of R into SLOT unless it is there already, and
 * publishes it: two threads may race to do it, and the first one's stays.
 * Returns 0, -1 when out of memory, or PCRE2's error code. */
static int compile_slot(const hmmm_ruleset *rs, const hm_rule *r, pcre2_code **slot, int which,
                        uint32_t extra)
{
    if (__atomic_load_n(slot, __ATOMIC_ACQUIRE))
        return 0;
    int nomem = 0;
    pcre2_code *code = baked_code(r, which, extra, &nomem);
    if (nomem)
        return -1;
    (void)rs; /* compiled to machine code later, by hm_rule_used */
    if (!code) {
        hm_buf src = {0};
        if (hm_rule_source(r, which, &src) < 0) {
            hm_buf_free(&src);
            return -1;
        }
        int ec;
        size_t eo;
        code = hm_compile(src.data ? src.data : "", src.len, r->case_sensitive, extra, 0, &ec, &eo);
        hm_buf_free(&src);
        if (!code)
            return ec == PCRE2_ERROR_HEAP_FAILED ? -1 : ec;
    }
    pcre2_code *none = NULL;
    if (!__atomic_compare_exchange_n(slot, &none, code, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        pcre2_code_free(code);
    return 0;
}

int hm_rule_ready(const hmmm_ruleset *rs, hm_rule *r)
{
    int state = __atomic_load_n(&r->ready, __ATOMIC_ACQUIRE);
    if (state)
        return state > 0 ? 0 : r->error;
    int ec = compile_slot(rs, r, &r->re, HM_PAT_MAIN, hm_rule_options(r, HM_PAT_MAIN, r->anchored));
    for (int k = 0; !ec && k < HM_N_CTX; k++)
        if (r->n_ctx[k])
            ec = compile_slot(rs, r, &r->ctx_re[k], k, hm_rule_options(r, k, 0));
    if (!ec && r->n_exceptions)
        ec = compile_slot(rs, r, &r->exc_re, HM_PAT_EXCEPTIONS,
                          hm_rule_options(r, HM_PAT_EXCEPTIONS, 0));
    if (ec < 0)
        return ec; /* out of memory: another try may do better */
    if (ec)
        r->error = ec;
    __atomic_store_n(&r->ready, ec ? -1 : 1, __ATOMIC_RELEASE);
    return ec;
}

/* Replaces the pattern in SLOT with a copy compiled to machine code (for
 * MODES); the slot keeps the interpreted one when that cannot be done. */
static void jit_slot(pcre2_code **slot, pcre2_code **retired, uint32_t modes)
{
    pcre2_code *old = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
    if (!old)
        return;
    pcre2_code *code = pcre2_code_copy(old);
    if (!code)
        return;
    if (pcre2_jit_compile(code, modes) != 0) {
        pcre2_code_free(code);
        return;
    }
    *retired = old;
    __atomic_store_n(slot, code, __ATOMIC_RELEASE);
}

/* Adds N to *USES; 1 for the one caller that takes it past HM_JIT_AFTER. */
static int reaches_mark(unsigned *uses, unsigned n)
{
    if (__atomic_load_n(uses, __ATOMIC_RELAXED) >= HM_JIT_AFTER)
        return 0;
    unsigned before = __atomic_fetch_add(uses, n, __ATOMIC_RELAXED);
    return before < HM_JIT_AFTER && before + n >= HM_JIT_AFTER;
}

/* Machine code for R's own pattern (MODES) and its conditions', replacing
 * what the slots hold into RETIRED. A condition matches completely, as it
 * looks at a stretch around the match; one on what follows may also meet
 * the end of a window, and match partially too when MODES has that. */
static void jit_rule(hm_rule *r, uint32_t modes, pcre2_code **retired)
{
    jit_slot(&r->re, &retired[HM_PAT_SLOT(HM_PAT_MAIN)], modes);
    for (int k = 0; k < HM_N_CTX; k++) {
        int after = k == HM_FOLLOWED_BY || k == HM_NOT_FOLLOWED_BY;
        jit_slot(&r->ctx_re[k], &retired[HM_PAT_SLOT(k)], PCRE2_JIT_COMPLETE | (after ? modes : 0));
    }
}

void hm_rule_used(const hmmm_ruleset *rs, hm_rule *r, unsigned n, uint32_t mode)
{
    if (rs->no_jit)
        return;
    if (reaches_mark(&r->uses, n)) {
        /* Only this caller took the count past the mark; the slots were
         * filled before the rule was ready, and nothing else changes them
         * until JIT_MODES says what was made. */
        jit_rule(r, mode, r->retired);
        jit_slot(&r->exc_re, &r->retired[HM_PAT_SLOT(HM_PAT_EXCEPTIONS)], PCRE2_JIT_COMPLETE);
        __atomic_store_n(&r->jit_modes, mode, __ATOMIC_RELEASE);
        return;
    }
    /* Made for the other mode only: the one caller that changes JIT_MODES
     * makes it again for both. Meanwhile PCRE2 interprets this mode. */
    unsigned have = __atomic_load_n(&r->jit_modes, __ATOMIC_ACQUIRE);
    if (!have || (have & mode) ||
        !__atomic_compare_exchange_n(&r->jit_modes, &have, have | mode, 0, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE))
        return;
    jit_rule(r, have | mode, r->retired_jit);
}

void hm_accept_used(const hmmm_ruleset *rs)
{
    /* The count and the pattern are shared state that only these atomic
     * steps change, as with a rule's. */
    hmmm_ruleset *w = (hmmm_ruleset *)rs;
    if (!rs->no_jit && reaches_mark(&w->accept_uses, 1))
        jit_slot(&w->accept_re, &w->accept_retired, PCRE2_JIT_COMPLETE);
}

/* Checks R's patterns: a rule from a file is compiled now, so that a
 * mistake is reported with the rule; a built-in one when it is first
 * needed, so that start-up does not wait for patterns a document never
 * uses. */
static hmmm_status compile_rule(hmmm_ruleset *rs, hm_rule *r, hmmm_diags *diags)
{
    int ec;
    size_t eo;
    char msg[256];
    /* A user pattern first on its own, so that an error points into it. */
    if (r->pub.pattern && !r->trusted) {
        pcre2_code *re =
            hm_compile(r->pub.pattern, strlen(r->pub.pattern), r->case_sensitive, 0, 0, &ec, &eo);
        if (!re && ec == PCRE2_ERROR_HEAP_FAILED)
            return HMMM_ENOMEM;
        if (!re) {
            pcre2_get_error_message(ec, (PCRE2_UCHAR *)msg, sizeof msg);
            unsigned col = r->pattern_col + (unsigned)r->pattern_quoted +
                           (unsigned)hm_utf8_count(r->pub.pattern, eo);
            return hm_diag(diags, r->pub.file, r->pattern_line, col, "bad pattern in rule %s: %s",
                           r->pub.id, msg);
        }
        pcre2_code_free(re);
    }
    if (r->n_exceptions)
        r->exc_words = phrases_words(r->exceptions, r->n_exceptions);
    for (int k = 0; k < HM_N_CTX; k++)
        r->ctx_words[k] = phrases_words(r->ctx[k], r->n_ctx[k]);
    if (r->trusted || !(ec = hm_rule_ready(rs, r)))
        return HMMM_OK;
    if (ec < 0)
        return HMMM_ENOMEM;
    pcre2_get_error_message(ec, (PCRE2_UCHAR *)msg, sizeof msg);
    return hm_diag(diags, r->pub.file, r->pub.line, r->pub.column,
                   "the phrases of rule %s do not make a valid pattern: %s", r->pub.id, msg);
}

static hmmm_status resolve_glossary(hmmm_ruleset *rs, hm_rule *r, hmmm_diags *diags)
{
    if (!r->pub.n_glossary)
        return HMMM_OK;
    const hmmm_gloss **list = hm_arena_alloc(&rs->arena, r->pub.n_glossary * sizeof *list);
    if (!list)
        return HMMM_ENOMEM;
    hmmm_status st = HMMM_OK;
    for (size_t i = 0; i < r->pub.n_glossary; i++) {
        const hm_gloss *g = find_gloss_key(rs, r->gloss_keys[i]);
        if (!g)
            st = hm_diag(diags, r->pub.file, r->gloss_line[i], r->gloss_col[i],
                         "rule %s links to glossary key '%s', which no glossary defines", r->pub.id,
                         r->gloss_keys[i]);
        list[i] = g ? &g->pub : NULL;
    }
    r->pub.glossary = list;
    return st;
}

hmmm_status hmmm_ruleset_compile(hmmm_ruleset *rs, hmmm_diags *diags)
{
    if (rs->compiled)
        return HMMM_OK;
    hmmm_status st = HMMM_OK;
    for (size_t i = 0; i < rs->gloss.n; i++) {
        hm_gloss *g = rs->gloss.items[i];
        for (size_t k = 0; k < g->pub.n_see_also; k++)
            if (!find_gloss_key(rs, g->pub.see_also[k]))
                st = hm_diag(diags, g->pub.file, g->see_line[k], g->see_col[k],
                             "glossary entry '%s' sees also '%s', which no glossary defines",
                             g->pub.key, g->pub.see_also[k]);
    }
    rs->active.n = 0;
    for (size_t i = 0; i < rs->rules.n; i++) {
        hm_rule *r = rs->rules.items[i];
        hmmm_status s = resolve_glossary(rs, r, diags);
        if (s == HMMM_ENOMEM)
            return s;
        if (s != HMMM_OK)
            st = s;
        else if (!r->disabled && hm_vec_push(&rs->active, r) < 0)
            return HMMM_ENOMEM;
    }
    /* The prefilter first: the rules it places are compiled anchored. */
    hm_prefilter_free(rs->pf);
    rs->pf = NULL;
    if (st == HMMM_OK && !rs->no_prefilter) {
        rs->pf = hm_prefilter_build((hm_rule *const *)rs->active.items, rs->active.n);
        if (!rs->pf)
            return HMMM_ENOMEM;
    }
    for (size_t i = 0; i < rs->active.n; i++) {
        hm_rule *r = rs->active.items[i];
        r->anchored = hm_prefilter_covers(rs->pf, i);
        hmmm_status s = compile_rule(rs, r, diags);
        if (s == HMMM_ENOMEM)
            return s;
        if (s != HMMM_OK)
            st = s;
    }
    if (rs->accept.n) {
        hm_buf pat = {0};
        int ec;
        size_t eo;
        if (build_pattern(&pat, (char *const *)rs->accept.items, rs->accept.n, NULL) < 0) {
            hm_buf_free(&pat);
            return HMMM_ENOMEM;
        }
        rs->accept_words = phrases_words((char *const *)rs->accept.items, rs->accept.n);
        rs->accept_re = hm_compile(pat.data, pat.len, 0, PCRE2_USE_OFFSET_LIMIT, 0, &ec, &eo);
        hm_buf_free(&pat);
        if (!rs->accept_re)
            st = hm_diag(diags, "", 0, 0, "the accepted phrases do not make a valid pattern");
    }
    if (st == HMMM_OK)
        rs->compiled = 1;
    return st;
}

void hmmm_ruleset_set_jit(hmmm_ruleset *rs, int on)
{
    if (!rs->compiled)
        rs->no_jit = !on;
}

void hmmm_ruleset_set_prefilter(hmmm_ruleset *rs, int on)
{
    if (!rs->compiled)
        rs->no_prefilter = !on;
}

/* ---- the ruleset object ------------------------------------------------ */

hmmm_ruleset *hmmm_ruleset_new(void)
{
    hmmm_ruleset *rs = hm_calloc(1, sizeof(hmmm_ruleset));
    /* HMMM_NO_JIT in the environment turns the JIT off everywhere: valgrind
     * cannot follow machine code made at run time, and reports noise. */
    if (rs && getenv("HMMM_NO_JIT"))
        rs->no_jit = 1;
    return rs;
}

void hmmm_ruleset_free(hmmm_ruleset *rs)
{
    if (!rs)
        return;
    for (size_t i = 0; i < rs->rules.n; i++) {
        hm_rule *r = rs->rules.items[i];
        pcre2_code_free(r->re);
        pcre2_code_free(r->exc_re);
        for (int k = 0; k < HM_N_CTX; k++)
            pcre2_code_free(r->ctx_re[k]);
        for (int k = 0; k < HM_N_PATS; k++) {
            pcre2_code_free(r->retired[k]);
            pcre2_code_free(r->retired_jit[k]);
        }
    }
    pcre2_code_free(rs->accept_re);
    pcre2_code_free(rs->accept_retired);
    hm_prefilter_free(rs->pf);
    hm_vec_free(&rs->rules);
    hm_vec_free(&rs->active);
    hm_vec_free(&rs->gloss);
    hm_vec_free(&rs->packs);
    hm_vec_free(&rs->accept);
    hm_arena_free(&rs->arena);
    hm_free(rs);
}

size_t hmmm_ruleset_rule_count(const hmmm_ruleset *rs)
{
    return rs->compiled ? rs->active.n : 0;
}

const hmmm_rule *hmmm_ruleset_rule(const hmmm_ruleset *rs, size_t i)
{
    return rs->compiled && i < rs->active.n ? rs->active.items[i] : NULL;
}

const hmmm_rule *hmmm_ruleset_find_rule(const hmmm_ruleset *rs, const char *id)
{
    const hmmm_rule *found = NULL;
    for (size_t i = 0; i < rs->active.n; i++) {
        const hmmm_rule *r = rs->active.items[i];
        if (hm_strcaseeq(r->id, id))
            return r;
        if (hm_strcaseeq(r->name, id))
            found = found ? (const hmmm_rule *)rs : r; /* marks ambiguity */
    }
    return found == (const hmmm_rule *)rs ? NULL : found;
}

size_t hmmm_ruleset_pack_count(const hmmm_ruleset *rs)
{
    return rs->packs.n;
}

const hmmm_pack *hmmm_ruleset_pack(const hmmm_ruleset *rs, size_t i)
{
    return i < rs->packs.n ? rs->packs.items[i] : NULL;
}

size_t hmmm_ruleset_gloss_count(const hmmm_ruleset *rs)
{
    return rs->gloss.n;
}

const hmmm_gloss *hmmm_ruleset_gloss(const hmmm_ruleset *rs, size_t i)
{
    return i < rs->gloss.n ? rs->gloss.items[i] : NULL;
}

const hmmm_gloss *hmmm_ruleset_find_gloss(const hmmm_ruleset *rs, const char *name)
{
    for (size_t i = 0; i < rs->gloss.n; i++) {
        const hmmm_gloss *g = rs->gloss.items[i];
        if (hm_strcaseeq(g->key, name) || hm_strcaseeq(g->term, name))
            return g;
    }
    for (size_t i = 0; i < rs->gloss.n; i++) {
        const hmmm_gloss *g = rs->gloss.items[i];
        for (size_t k = 0; k < g->n_aliases; k++)
            if (hm_strcaseeq(g->aliases[k], name))
                return g;
    }
    return NULL;
}

/* ---- levels and types -------------------------------------------------- */

const char *hmmm_level_name(hmmm_level level)
{
    switch (level) {
    case HMMM_SUGGESTION:
        return "suggestion";
    case HMMM_WARNING:
        return "warning";
    case HMMM_ERROR:
        return "error";
    }
    return "warning";
}

int hmmm_level_parse(const char *name, hmmm_level *out)
{
    static const hmmm_level levels[] = {HMMM_SUGGESTION, HMMM_WARNING, HMMM_ERROR};
    for (size_t i = 0; i < 3; i++)
        if (!strcmp(name, hmmm_level_name(levels[i]))) {
            *out = levels[i];
            return 0;
        }
    return -1;
}

int hmmm_doctype_for_path(const char *path)
{
    static const struct {
        const char *ext;
        hmmm_doctype type;
    } types[] = {
        {".md", HMMM_MARKDOWN},  {".markdown", HMMM_MARKDOWN}, {".mdown", HMMM_MARKDOWN},
        {".mkd", HMMM_MARKDOWN}, {".mkdn", HMMM_MARKDOWN},     {".txt", HMMM_TEXT},
        {".text", HMMM_TEXT},    {".html", HMMM_HTML},         {".htm", HMMM_HTML},
        {".docx", HMMM_DOCX},    {".odt", HMMM_ODT},
    };
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash))
        return -1;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (hm_strcaseeq(dot, types[i].ext))
            return (int)types[i].type;
    return -1;
}
