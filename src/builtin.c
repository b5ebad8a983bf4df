/* builtin.c - the rule packs and glossary compiled into the library. */
#include <string.h>

#include "internal.h"

struct hm_builtin {
    const char *stem;   /* "coproduction", or "glossary" for the glossary */
    const char *name;   /* "rules/coproduction.yaml", used in diagnostics */
    hm_baked_tree tree; /* its YAML, parsed when hmmm was built */
    /* Its rules' prefilter keys, in the order the file defines them. */
    const hm_baked_keys *keys;
    size_t n_rules;
    const char *key_text;
    const unsigned char *code; /* their patterns, as PCRE2 serializes them */
};

/* Loads built-in file B. */
static hmmm_status load(hmmm_ruleset *rs, const struct hm_builtin *b, hmmm_diags *diags)
{
    hm_arena arena = {0};
    size_t before = rs->rules.n;
    hm_node *root = hm_yaml_unbake(&arena, &b->tree);
    hmmm_status st = root ? hm_ruleset_load_tree(rs, b->name, root, 1, diags) : HMMM_ENOMEM;
    hm_arena_free(&arena);
    /* The rules arrive in the file's order, as they were baked. */
    if (st == HMMM_OK && rs->rules.n - before == b->n_rules)
        for (size_t i = 0; i < b->n_rules; i++) {
            hm_rule *r = rs->rules.items[before + i];
            r->baked = b->keys[i].indexed ? HM_KEYS_INDEXED : HM_KEYS_SCANNED;
            r->lead = b->keys[i].indexed == 2;
            r->keys = b->key_text + b->keys[i].off;
            r->n_keys = b->keys[i].n;
            for (int k = 0; k < HM_N_PATS; k++)
                r->code[k] = b->keys[i].code[k] == UINT32_MAX ? NULL : b->code + b->keys[i].code[k];
        }
    return st;
}

#include "builtin_rules.h"

#define N_BUILTINS (sizeof hm_builtins / sizeof hm_builtins[0])

static int is_glossary(const struct hm_builtin *b)
{
    return !strcmp(b->stem, "glossary");
}

const char *const *hmmm_builtin_packs(void)
{
    return hm_builtin_pack_stems;
}

const char *const *hmmm_builtin_files(void)
{
    return hm_builtin_stems;
}

hmmm_status hmmm_ruleset_load_builtin_file(hmmm_ruleset *rs, const char *stem, hmmm_diags *diags)
{
    for (size_t i = 0; i < N_BUILTINS; i++) {
        const struct hm_builtin *b = &hm_builtins[i];
        if (!strcmp(b->stem, stem))
            return load(rs, b, diags);
    }
    return hm_diag(diags, "", 0, 0, "no built-in rule file named '%s'", stem);
}

hmmm_status hmmm_ruleset_load_builtin(hmmm_ruleset *rs, const char *const *packs, size_t n_packs,
                                      hmmm_diags *diags)
{
    hmmm_status st = HMMM_OK;
    for (size_t k = 0; packs && k < n_packs; k++) {
        int found = 0;
        for (size_t i = 0; i < N_BUILTINS; i++)
            if (!is_glossary(&hm_builtins[i]) && !strcmp(hm_builtins[i].stem, packs[k]))
                found = 1;
        if (!found)
            st = hm_diag(diags, "", 0, 0, "no built-in pack named '%s'", packs[k]);
    }
    for (size_t i = 0; i < N_BUILTINS; i++) {
        const struct hm_builtin *b = &hm_builtins[i];
        int want = !packs || is_glossary(b);
        for (size_t k = 0; packs && k < n_packs && !want; k++)
            want = !strcmp(b->stem, packs[k]);
        if (!want)
            continue;
        hmmm_status s = load(rs, b, diags);
        if (s == HMMM_ENOMEM)
            return s;
        if (s != HMMM_OK)
            st = s;
    }
    return st;
}
