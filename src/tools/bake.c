/* bake.c - turns the built-in rule files into C data at build time: each
 * file's YAML tree, already parsed, as flat arrays (nodes, their items, and
 * their text), so that the library starts without parsing YAML. The tree
 * keeps every node's line and column. With it go the prefilter's keys for
 * each rule, in the order the file defines them, so that start-up does not
 * work them out from the patterns either.
 *
 *   hmmm_bake OUT.h rules/a.yaml rules/b.yaml ...
 *
 * A file that does not parse stops the build with the parser's message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct baker {
    FILE *out;
    hm_buf strings;
    uint32_t *items;
    size_t n_items, cap_items;
} baker;

/* Writes node N (numbered SELF) and those below it; returns the next free
 * number. */
static size_t emit(baker *b, const hm_node *n, size_t self)
{
    uint32_t str = UINT32_MAX;
    if (n->str) {
        str = (uint32_t)b->strings.len;
        if (hm_buf_add(&b->strings, n->str, n->len) < 0 || hm_buf_addc(&b->strings, '\0') < 0)
            exit(1);
    }
    size_t first = b->n_items;
    if (b->n_items + n->n > b->cap_items) {
        b->cap_items = (b->n_items + n->n) * 2 + 64;
        b->items = realloc(b->items, b->cap_items * sizeof *b->items);
        if (!b->items)
            exit(1);
    }
    b->n_items += n->n;
    fprintf(b->out, "    {%d, %d, %u, %u, %uu, %zu, %zu, %zu},\n", (int)n->kind, n->quoted, n->line,
            n->column, str, n->len, first, n->n);
    /* Depth first, root 0: each child is the next number free. */
    size_t next = self + 1;
    for (size_t i = 0; i < n->n; i++) {
        b->items[first + i] = (uint32_t)next;
        next = emit(b, n->items[i], next);
    }
    return next;
}

static void emit_string_blob(FILE *out, const hm_buf *s)
{
    fputs("    \"", out);
    for (size_t i = 0, col = 0; i < s->len; i++, col++) {
        unsigned char c = (unsigned char)s->data[i];
        if (col >= 72) {
            fputs("\"\n    \"", out);
            col = 0;
        }
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c >= 0x20 && c < 0x7F && c != '?')
            fputc(c, out);
        else
            fprintf(out, "\\%03o", c);
    }
    fputs("\"", out);
}

/* Compiles pattern WHICH of RULE as the library would and appends it, as
 * PCRE2 serializes it, to CODE (8-byte aligned). Returns its offset, or
 * UINT32_MAX when the rule has no such pattern or it does not compile (the
 * library then compiles it, and reports the error, as for any rule). */
static uint32_t bake_pattern(const hm_rule *rule, int which, int indexed, hm_buf *code)
{
    if ((which == HM_PAT_EXCEPTIONS && !rule->n_exceptions) ||
        (which >= 0 && which < HM_N_CTX && !rule->n_ctx[which]))
        return UINT32_MAX;
    hm_buf src = {0};
    if (hm_rule_source(rule, which, &src) < 0)
        exit(1);
    int ec;
    size_t eo;
    pcre2_code *re = hm_compile(src.data ? src.data : "", src.len, rule->case_sensitive,
                                hm_rule_options(rule, which, indexed), 0, &ec, &eo);
    hm_buf_free(&src);
    if (!re)
        return UINT32_MAX;
    uint8_t *bytes;
    PCRE2_SIZE size;
    if (pcre2_serialize_encode((const pcre2_code **)&re, 1, &bytes, &size, NULL) < 0)
        exit(1);
    while (code->len % 8)
        if (hm_buf_addc(code, '\0') < 0)
            exit(1);
    uint32_t off = (uint32_t)code->len;
    if (hm_buf_add(code, (const char *)bytes, size) < 0)
        exit(1);
    pcre2_serialize_free(bytes);
    pcre2_code_free(re);
    return off;
}

/* Loads ROOT (file NAME) as the library will, and writes each rule's
 * prefilter keys and compiled patterns. Returns the number of rules, or
 * SIZE_MAX on failure. */
static size_t emit_keys(FILE *out, const char *ident, const char *name, const hm_node *root)
{
    hmmm_ruleset *rs = hmmm_ruleset_new();
    hmmm_diags *d = hmmm_diags_new();
    if (!rs || !d)
        exit(1);
    if (hm_ruleset_load_tree(rs, name, root, 1, d) != HMMM_OK) {
        for (size_t i = 0; i < hmmm_diags_count(d); i++) {
            const hmmm_diag *e = hmmm_diags_get(d, i);
            fprintf(stderr, "%s:%u:%u: error: %s\n", e->file, e->line, e->column, e->message);
        }
        return SIZE_MAX;
    }
    size_t n = rs->rules.n;
    hm_buf text = {0}, code = {0};
    if (n)
        fprintf(out, "static const hm_baked_keys baked_%s_keys[] = {\n", ident);
    for (size_t i = 0; i < n; i++) {
        hm_rule *rule = rs->rules.items[i];
        size_t off = text.len, count = 0;
        int r = hm_prefilter_keys(rule, &text, &count);
        if (r < 0)
            exit(1);
        fprintf(out, "    {%zu, %zu, %d, {", off, count, r);
        for (int which = HM_PAT_MAIN; which <= HM_PAT_EXCEPTIONS; which++)
            fprintf(out, "%s%u", which == HM_PAT_MAIN ? "" : ", ",
                    bake_pattern(rule, which, r >= 1, &code));
        fputs("}},\n", out);
    }
    if (n) {
        fprintf(out, "};\nstatic const char baked_%s_key_text[] =\n", ident);
        emit_string_blob(out, &text);
        fprintf(out, ";\nstatic _Alignas(8) const unsigned char baked_%s_code[] =\n", ident);
        emit_string_blob(out, &code);
        fputs(";\n", out);
    }
    hm_buf_free(&text);
    hm_buf_free(&code);
    hmmm_diags_free(d);
    hmmm_ruleset_free(rs);
    return n;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: hmmm_bake OUT.h FILE.yaml...\n");
        return 2;
    }
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]);
    FILE *out = fopen(tmp, "w");
    if (!out) {
        perror(tmp);
        return 2;
    }
    fputs("/* Generated from rules/ at build time by hmmm_bake; do not edit. */\n", out);
    hm_buf table = {0}, stems = {0}, packs = {0};
    for (int f = 2; f < argc; f++) {
        const char *path = argv[f];
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        char stem[256];
        snprintf(stem, sizeof stem, "%.*s", (int)(strcspn(base, ".")), base);
        char *data;
        size_t len;
        if (hm_read_file(path, &data, &len) != 0) {
            perror(path);
            return 2;
        }
        char name[300];
        snprintf(name, sizeof name, "rules/%s", base);
        hm_arena arena = {0};
        hmmm_diags *d = hmmm_diags_new();
        hm_node *root = hm_yaml_parse(&arena, name, data, len, d);
        if (!root) {
            for (size_t i = 0; i < hmmm_diags_count(d); i++) {
                const hmmm_diag *e = hmmm_diags_get(d, i);
                fprintf(stderr, "%s:%u:%u: error: %s\n", e->file, e->line, e->column, e->message);
            }
            return 1;
        }
        char ident[256];
        size_t k = 0;
        for (const char *p = stem; *p && k + 1 < sizeof ident; p++)
            ident[k++] = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ? *p : '_';
        ident[k] = '\0';
        baker b = {.out = out};
        fprintf(out, "static const hm_baked_node baked_%s_nodes[] = {\n", ident);
        size_t n_nodes = emit(&b, root, 0);
        fprintf(out, "};\nstatic const uint32_t baked_%s_items[] = {\n   ", ident);
        for (size_t i = 0; i < b.n_items; i++)
            fprintf(out, " %u,%s", b.items[i], i % 12 == 11 ? "\n   " : "");
        fprintf(out, " 0};\nstatic const char baked_%s_strings[] =\n", ident);
        emit_string_blob(out, &b.strings);
        fputs(";\n", out);
        size_t n_rules = emit_keys(out, ident, name, root);
        if (n_rules == SIZE_MAX)
            return 1;
        if (n_rules)
            hm_buf_printf(&table,
                          "    {\"%s\", \"%s\", {baked_%s_nodes, %zu, baked_%s_items, "
                          "baked_%s_strings}, baked_%s_keys, %zu, baked_%s_key_text, "
                          "baked_%s_code},\n",
                          stem, name, ident, n_nodes, ident, ident, ident, n_rules, ident, ident);
        else
            hm_buf_printf(&table,
                          "    {\"%s\", \"%s\", {baked_%s_nodes, %zu, baked_%s_items, "
                          "baked_%s_strings}, NULL, 0, NULL, NULL},\n",
                          stem, name, ident, n_nodes, ident, ident);
        hm_buf_printf(&stems, "\"%s\", ", stem);
        if (strcmp(stem, "glossary"))
            hm_buf_printf(&packs, "\"%s\", ", stem);
        free(b.items);
        hm_buf_free(&b.strings);
        hmmm_diags_free(d);
        hm_arena_free(&arena);
        free(data);
    }
    hm_buf_addc(&table, '\0');
    hm_buf_addc(&stems, '\0');
    hm_buf_addc(&packs, '\0');
    fprintf(out, "static const struct hm_builtin hm_builtins[] = {\n%s};\n", table.data);
    fprintf(out, "static const char *const hm_builtin_stems[] = {%sNULL};\n", stems.data);
    fprintf(out, "static const char *const hm_builtin_pack_stems[] = {%sNULL};\n", packs.data);
    if (fclose(out) != 0 || rename(tmp, argv[1]) != 0) {
        perror(argv[1]);
        return 2;
    }
    hm_buf_free(&table);
    hm_buf_free(&stems);
    hm_buf_free(&packs);
    return 0;
}
