/* bake.c - turns the built-in rule files into C data at build time: each
 * file's YAML tree, already parsed, as flat arrays (nodes, their items, and
 * their text), so that the library starts without parsing YAML. The tree
 * keeps every node's line and column.
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
        hm_buf_printf(&table,
                      "    {\"%s\", \"%s\", {baked_%s_nodes, %zu, baked_%s_items, "
                      "baked_%s_strings}},\n",
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
