/* config.c - .hmmm.yaml: finding it, reading it, and applying it to rules. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define CONFIG_NAME ".hmmm.yaml"

typedef struct named {
    const char *name;
    unsigned line, column;
    hmmm_level level; /* for levels */
} named;

struct hmmm_config {
    hm_arena arena;
    const char *file;
    const char *dir;     /* absolute folder of the config file */
    const char *rel_dir; /* the same as the config's path gives it, for paths */
    const char **packs;
    size_t n_packs;
    int has_packs;
    const char **rules;
    size_t n_rules;
    named *disable;
    size_t n_disable;
    named *levels;
    size_t n_levels;
    const char **accept;
    size_t n_accept;
    const char **ignore;
    size_t n_ignore;
    int min_level, fail_on;
};

char *hmmm_config_find(const char *dir)
{
    char buf[PATH_MAX];
    if (!realpath(dir ? dir : ".", buf))
        return NULL;
    for (;;) {
        hm_buf path = {0};
        if (hm_buf_printf(&path, "%s%s%s", buf, buf[1] ? "/" : "", CONFIG_NAME) < 0) {
            errno = ENOMEM;
            return NULL;
        }
        struct stat st;
        if (stat(path.data, &st) == 0 && S_ISREG(st.st_mode))
            return hm_buf_take(&path);
        hm_buf_free(&path);
        char *slash = strrchr(buf, '/');
        if (!slash || slash == buf) {
            if (buf[1] == '\0') {
                errno = ENOENT;
                return NULL;
            }
            buf[1] = '\0'; /* the root itself */
            continue;
        }
        *slash = '\0';
    }
}

typedef struct cfg_loader {
    hmmm_config *cfg;
    hmmm_diags *diags;
    int errors;
    int nomem;
} cfg_loader;

static void cerr(cfg_loader *l, const hm_node *n, const char *fmt, ...) HM_PRINTF(3, 4);

static void cerr(cfg_loader *l, const hm_node *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    l->errors++;
    if (hm_vdiag(l->diags, l->cfg->file, n ? n->line : 0, n ? n->column : 0, fmt, ap) ==
        HMMM_ENOMEM)
        l->nomem = 1;
    va_end(ap);
}

/* A list of non-empty strings; a single string counts as a list of one. */
static named *get_names(cfg_loader *l, const hm_node *v, const char *what, size_t *n)
{
    *n = 0;
    const hm_node *one[1] = {v};
    hm_node *const *items = (hm_node *const *)one;
    size_t count = 1;
    if (v->kind == HM_SEQ) {
        items = v->items;
        count = v->n;
    } else if (v->kind != HM_SCALAR) {
        cerr(l, v, "'%s' must be a list of strings, not %s", what, hm_yaml_kind_name(v->kind));
        return NULL;
    }
    named *out = hm_arena_alloc(&l->cfg->arena, (count + 1) * sizeof *out);
    if (!out) {
        l->nomem = 1;
        return NULL;
    }
    for (size_t i = 0; i < count; i++) {
        const hm_node *it = items[i];
        if (it->kind != HM_SCALAR || !it->len || strlen(it->str) != it->len) {
            cerr(l, it, "each item of '%s' must be a non-empty string", what);
            return NULL;
        }
        out[i].name = hm_arena_strdup(&l->cfg->arena, it->str);
        if (!out[i].name) {
            l->nomem = 1;
            return NULL;
        }
        out[i].line = it->line;
        out[i].column = it->column;
    }
    *n = count;
    return out;
}

static const char **names_only(cfg_loader *l, named *list, size_t n)
{
    const char **out = hm_arena_alloc(&l->cfg->arena, (n + 1) * sizeof *out);
    if (!out) {
        l->nomem = 1;
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = list[i].name;
    out[n] = NULL;
    return out;
}

static int get_level(cfg_loader *l, const hm_node *v, const char *what, int allow_never)
{
    hmmm_level lv;
    if (v->kind == HM_SCALAR && hmmm_level_parse(v->str, &lv) == 0)
        return (int)lv;
    if (allow_never && v->kind == HM_SCALAR && !strcmp(v->str, "never"))
        return 3;
    const char *levels =
        allow_never ? "suggestion, warning, error or never" : "suggestion, warning or error";
    if (v->kind == HM_SCALAR)
        cerr(l, v, "'%s' must be %s, not '%s'", what, levels, v->str);
    else
        cerr(l, v, "'%s' must be %s, not %s", what, levels, hm_yaml_kind_name(v->kind));
    return -1;
}

static void load_config_tree(cfg_loader *l, const hm_node *root)
{
    static const char *const keys[] = {"packs",  "rules",     "disable", "levels", "accept",
                                       "ignore", "min-level", "fail-on", NULL};
    hmmm_config *cfg = l->cfg;
    if (root->kind == HM_NULL)
        return;
    if (root->kind != HM_MAP) {
        cerr(l, root, "a config file must be a mapping, not %s", hm_yaml_kind_name(root->kind));
        return;
    }
    for (size_t i = 0; i + 1 < root->n; i += 2) {
        const hm_node *k = root->items[i], *v = root->items[i + 1];
        int known = 0;
        for (const char *const *a = keys; *a; a++)
            if (k->kind == HM_SCALAR && !strcmp(*a, k->str))
                known = 1;
        if (!known) {
            cerr(l, k,
                 "unknown key '%s' in config (expected packs, rules, disable, levels, "
                 "accept, ignore, min-level or fail-on)",
                 k->kind == HM_SCALAR ? k->str : "?");
            continue;
        }
        for (size_t j = 0; j < i; j += 2)
            if (root->items[j]->kind == HM_SCALAR && !strcmp(root->items[j]->str, k->str))
                cerr(l, k, "duplicate key '%s' in config", k->str);
        const char *key = k->str;
        size_t n;
        named *list;
        if (!strcmp(key, "min-level")) {
            cfg->min_level = get_level(l, v, key, 0);
        } else if (!strcmp(key, "fail-on")) {
            cfg->fail_on = get_level(l, v, key, 1);
        } else if (!strcmp(key, "levels")) {
            if (v->kind != HM_MAP) {
                cerr(l, v, "'levels' must map rule ids or packs to levels, not %s",
                     hm_yaml_kind_name(v->kind));
                continue;
            }
            cfg->levels = hm_arena_alloc(&cfg->arena, (v->n / 2 + 1) * sizeof *cfg->levels);
            if (!cfg->levels) {
                l->nomem = 1;
                return;
            }
            for (size_t j = 0; j + 1 < v->n; j += 2) {
                const hm_node *id = v->items[j];
                int lv = get_level(l, v->items[j + 1], "levels", 0);
                if (id->kind != HM_SCALAR) {
                    cerr(l, id, "each key of 'levels' must be a rule id or pack");
                    continue;
                }
                if (lv < 0)
                    continue;
                named *e = &cfg->levels[cfg->n_levels++];
                e->name = hm_arena_strdup(&cfg->arena, id->str);
                e->line = id->line;
                e->column = id->column;
                e->level = (hmmm_level)lv;
                if (!e->name)
                    l->nomem = 1;
            }
        } else if ((list = get_names(l, v, key, &n))) {
            if (!strcmp(key, "packs")) {
                const char *const *builtin = hmmm_builtin_packs();
                for (size_t j = 0; j < n; j++) {
                    int found = 0;
                    for (const char *const *b = builtin; *b; b++)
                        if (!strcmp(*b, list[j].name))
                            found = 1;
                    if (!found) {
                        hm_buf known_list = {0};
                        for (const char *const *b = builtin; *b; b++)
                            hm_buf_printf(&known_list, "%s%s", b == builtin ? "" : ", ", *b);
                        l->errors++;
                        if (hm_diag(l->diags, cfg->file, list[j].line, list[j].column,
                                    "no built-in pack named '%s' (there are: %s)", list[j].name,
                                    known_list.data ? known_list.data : "none") == HMMM_ENOMEM)
                            l->nomem = 1;
                        hm_buf_free(&known_list);
                    }
                }
                cfg->packs = names_only(l, list, n);
                cfg->n_packs = n;
                cfg->has_packs = 1;
            } else if (!strcmp(key, "rules")) {
                const char **paths = hm_arena_alloc(&cfg->arena, (n + 1) * sizeof *paths);
                if (!paths) {
                    l->nomem = 1;
                    return;
                }
                for (size_t j = 0; j < n; j++) {
                    hm_buf p = {0};
                    if (list[j].name[0] == '/' || !strcmp(cfg->rel_dir, "."))
                        hm_buf_adds(&p, list[j].name);
                    else
                        hm_buf_printf(&p, "%s/%s", cfg->rel_dir, list[j].name);
                    paths[j] = p.data ? hm_arena_strdup(&cfg->arena, p.data) : NULL;
                    hm_buf_free(&p);
                    if (!paths[j])
                        l->nomem = 1;
                }
                cfg->rules = paths;
                cfg->n_rules = n;
            } else if (!strcmp(key, "disable")) {
                cfg->disable = list;
                cfg->n_disable = n;
            } else if (!strcmp(key, "accept")) {
                cfg->accept = names_only(l, list, n);
                cfg->n_accept = n;
            } else if (!strcmp(key, "ignore")) {
                cfg->ignore = names_only(l, list, n);
                cfg->n_ignore = n;
            }
        }
    }
}

/* The absolute folder holding FILE. */
static char *dir_of(hm_arena *a, const char *file)
{
    hm_buf b = {0};
    if (file[0] != '/') {
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof cwd))
            return NULL;
        hm_buf_printf(&b, "%s/", cwd);
    }
    hm_buf_adds(&b, file);
    if (!b.data)
        return NULL;
    char *slash = strrchr(b.data, '/');
    if (slash == b.data)
        slash[1] = '\0';
    else if (slash)
        *slash = '\0';
    char *d = hm_arena_strdup(a, b.data);
    hm_buf_free(&b);
    return d;
}

hmmm_config *hmmm_config_load_buffer(const char *name, const char *data, size_t len,
                                     hmmm_diags *diags)
{
    hmmm_config *cfg = hm_calloc(1, sizeof *cfg);
    if (!cfg) {
        hm_diag(diags, name, 0, 0, "out of memory reading config");
        return NULL;
    }
    cfg->min_level = cfg->fail_on = -1;
    cfg->file = hm_arena_strdup(&cfg->arena, name);
    cfg->dir = cfg->file ? dir_of(&cfg->arena, name) : NULL;
    const char *slash = strrchr(name, '/');
    cfg->rel_dir = !slash          ? "."
                   : slash == name ? "/"
                                   : hm_arena_strndup(&cfg->arena, name, (size_t)(slash - name));
    if (!cfg->dir || !cfg->rel_dir) {
        hm_diag(diags, name, 0, 0, "out of memory reading config");
        hmmm_config_free(cfg);
        return NULL;
    }
    cfg_loader l = {.cfg = cfg, .diags = diags};
    hm_arena tree = {0};
    hm_node *root = hm_yaml_parse(&tree, cfg->file, data, len, diags);
    if (root)
        load_config_tree(&l, root);
    hm_arena_free(&tree);
    if (!root || l.errors || l.nomem) {
        if (l.nomem)
            hm_diag(diags, name, 0, 0, "out of memory reading config");
        hmmm_config_free(cfg);
        return NULL;
    }
    return cfg;
}

hmmm_config *hmmm_config_load(const char *path, hmmm_diags *diags)
{
    char *data;
    size_t len;
    int e = hm_read_file_max(path, HM_SETTINGS_MAX, &data, &len);
    if (e == EFBIG) {
        hm_diag(diags, path, 0, 0, "a config file may hold at most %zu MB; this one holds more",
                HM_SETTINGS_MAX >> 20);
        return NULL;
    }
    if (e) {
        hm_diag(diags, path, 0, 0, "cannot read config: %s", strerror(e));
        return NULL;
    }
    hmmm_config *cfg = hmmm_config_load_buffer(path, data, len, diags);
    hm_free(data);
    return cfg;
}

void hmmm_config_free(hmmm_config *cfg)
{
    if (!cfg)
        return;
    hm_arena_free(&cfg->arena);
    hm_free(cfg);
}

const char *const *hmmm_config_packs(const hmmm_config *cfg, size_t *n)
{
    *n = cfg && cfg->has_packs ? cfg->n_packs : 0;
    return cfg && cfg->has_packs ? cfg->packs : NULL;
}

const char *const *hmmm_config_rules(const hmmm_config *cfg, size_t *n)
{
    *n = cfg ? cfg->n_rules : 0;
    return cfg ? cfg->rules : NULL;
}

int hmmm_config_min_level(const hmmm_config *cfg)
{
    return cfg ? cfg->min_level : -1;
}

int hmmm_config_fail_on(const hmmm_config *cfg)
{
    return cfg ? cfg->fail_on : -1;
}

/* ---- ignore globs ------------------------------------------------------ */

/* Matches a glob where '*' and '?' stay within one path segment and '**'
 * crosses segments. */
static int glob_match(const char *g, const char *s)
{
    while (*g) {
        if (g[0] == '*' && g[1] == '*') {
            g += 2;
            if (*g == '/')
                g++;
            for (const char *t = s;; t++) {
                if (glob_match(g, t))
                    return 1;
                if (!*t)
                    return 0;
            }
        }
        if (*g == '*') {
            g++;
            for (const char *t = s;; t++) {
                if (glob_match(g, t))
                    return 1;
                if (!*t || *t == '/')
                    return 0;
            }
        }
        if (!*s || (*g == '?' ? *s == '/' : *g != *s))
            return 0;
        g++;
        s++;
    }
    return *s == '\0';
}

int hmmm_config_ignores(const hmmm_config *cfg, const char *path)
{
    if (!cfg || !cfg->n_ignore)
        return 0;
    hm_buf abs = {0};
    char cwd[PATH_MAX];
    if (path[0] != '/' && getcwd(cwd, sizeof cwd))
        hm_buf_printf(&abs, "%s/", cwd);
    const char *p = path;
    while (p[0] == '.' && p[1] == '/')
        p += 2;
    hm_buf_adds(&abs, p);
    if (!abs.data)
        return 0;
    const char *rel = abs.data;
    size_t dl = strlen(cfg->dir);
    if (!strncmp(rel, cfg->dir, dl) && (rel[dl] == '/' || cfg->dir[dl - 1] == '/'))
        rel += dl + (rel[dl] == '/');
    int hit = 0;
    for (size_t i = 0; i < cfg->n_ignore && !hit; i++) {
        const char *g = cfg->ignore[i];
        while (g[0] == '.' && g[1] == '/')
            g += 2;
        /* The pattern may name the file or any folder above it. */
        char *part = hm_strdup(rel);
        if (!part)
            break;
        for (;;) {
            if (glob_match(g, part) ||
                (!strchr(g, '/') &&
                 glob_match(g, strrchr(part, '/') ? strrchr(part, '/') + 1 : part))) {
                hit = 1;
                break;
            }
            char *slash = strrchr(part, '/');
            if (!slash)
                break;
            *slash = '\0';
        }
        hm_free(part);
    }
    hm_buf_free(&abs);
    return hit;
}

/* ---- applying ---------------------------------------------------------- */

static int pack_loaded(const hmmm_ruleset *rs, const char *name, size_t n)
{
    for (size_t i = 0; i < rs->packs.n; i++) {
        const hmmm_pack *p = rs->packs.items[i];
        if (strlen(p->name) == n && !strncmp(p->name, name, n))
            return 1;
    }
    return 0;
}

/* Calls FN on every rule NAME selects (a full id or a pack); returns how many. */
static size_t select_rules(hmmm_ruleset *rs, const char *name, void (*fn)(hm_rule *, void *),
                           void *arg)
{
    size_t hits = 0;
    for (size_t i = 0; i < rs->rules.n; i++) {
        hm_rule *r = rs->rules.items[i];
        if (!strcmp(r->pub.id, name) || !strcmp(r->pub.pack, name)) {
            fn(r, arg);
            hits++;
        }
    }
    return hits;
}

static void do_disable(hm_rule *r, void *arg)
{
    (void)arg;
    r->disabled = 1;
}

static void do_level(hm_rule *r, void *arg)
{
    r->pub.level = *(hmmm_level *)arg;
}

/* Whether a name that selected nothing deserves a complaint: it does unless
 * it is a built-in pack that is not loaded, or a rule of such a pack. */
static int worth_reporting(const hmmm_ruleset *rs, const char *name)
{
    const char *dot = strchr(name, '.');
    size_t n = dot ? (size_t)(dot - name) : strlen(name);
    if (pack_loaded(rs, name, n))
        return 1;
    for (const char *const *b = hmmm_builtin_packs(); *b; b++)
        if (strlen(*b) == n && !strncmp(*b, name, n))
            return 0;
    return 1;
}

hmmm_status hmmm_ruleset_configure(hmmm_ruleset *rs, const hmmm_config *cfg, hmmm_diags *diags)
{
    if (!cfg)
        return HMMM_OK;
    hmmm_status st = HMMM_OK;
    for (size_t i = 0; i < cfg->n_disable; i++) {
        const named *d = &cfg->disable[i];
        if (!select_rules(rs, d->name, do_disable, NULL) && worth_reporting(rs, d->name))
            st = hm_diag(diags, cfg->file, d->line, d->column,
                         "disable: no rule or pack named '%s'", d->name);
    }
    for (size_t i = 0; i < cfg->n_levels; i++) {
        const named *d = &cfg->levels[i];
        hmmm_level lv = d->level;
        if (!select_rules(rs, d->name, do_level, &lv) && worth_reporting(rs, d->name))
            st = hm_diag(diags, cfg->file, d->line, d->column, "levels: no rule or pack named '%s'",
                         d->name);
    }
    for (size_t i = 0; i < cfg->n_accept; i++) {
        char *a = hm_arena_strdup(&rs->arena, cfg->accept[i]);
        if (!a || hm_vec_push(&rs->accept, a) < 0)
            return HMMM_ENOMEM;
    }
    return st;
}
