/* yaml.c - reads YAML with libyaml into a small tree that remembers where
 * every node stands in the file, so that errors can point at it. */
#include <string.h>
#include <yaml.h>

#include "internal.h"

/* Deeper nesting than any rule file needs; guards the recursion. */
#define YAML_MAX_DEPTH 64
/* More nodes than any sane rule file has; guards against huge inputs. */
#define YAML_MAX_NODES 2000000

typedef struct reader {
    yaml_parser_t parser;
    hm_arena *arena;
    const char *name;
    hmmm_diags *diags;
    const char *data;
    size_t len;
    size_t nodes;
    int failed;
} reader;

static unsigned line_of(yaml_mark_t m)
{
    return (unsigned)m.line + 1;
}

static unsigned col_of(yaml_mark_t m)
{
    return (unsigned)m.column + 1;
}

static int next_event(reader *r, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&r->parser, ev)) {
        yaml_parser_t *p = &r->parser;
        if (p->error == YAML_MEMORY_ERROR) {
            hm_diag(r->diags, r->name, 0, 0, "out of memory reading YAML");
        } else if (p->error == YAML_READER_ERROR) {
            /* The reader decodes ahead of the parser: it gives the byte
             * offset of a bad byte, not a mark. */
            size_t off = p->problem_offset < r->len ? p->problem_offset : r->len;
            int utf8 = p->problem && strstr(p->problem, "UTF-8");
            /* A bad trailing byte: point at the character it ends. */
            for (int k = 0; utf8 && k < 3 && off > 0 && off < r->len &&
                            ((unsigned char)r->data[off] & 0xC0) != 0xC0 &&
                            ((unsigned char)r->data[off - 1] & 0x80);
                 k++)
                off--;
            unsigned line = 1, col = 1;
            for (size_t i = 0; i < off; i++) {
                unsigned char c = (unsigned char)r->data[i];
                if (c == '\n') {
                    line++;
                    col = 1;
                } else if ((c & 0xC0) != 0x80) {
                    col++;
                }
            }
            unsigned byte = off < r->len ? (unsigned char)r->data[off] : 0u;
            if (utf8)
                hm_diag(r->diags, r->name, line, col,
                        "not UTF-8 text (byte 0x%02X); save the file as UTF-8", byte);
            else
                hm_diag(r->diags, r->name, line, col, "%s (byte 0x%02X)",
                        p->problem ? p->problem : "not valid text", byte);
        } else {
            /* A problem found only at the end of the file (an unclosed
             * quote) is better shown where its construct began. */
            yaml_mark_t m = p->problem_mark;
            if (p->context && m.index >= r->len)
                m = p->context_mark;
            const char *problem = p->problem ? p->problem : "not valid YAML";
            if (p->context)
                hm_diag(r->diags, r->name, line_of(m), col_of(m), "%s %s", problem, p->context);
            else
                hm_diag(r->diags, r->name, line_of(m), col_of(m), "%s", problem);
        }
        r->failed = 1;
        return -1;
    }
    return 0;
}

static hm_node *new_node(reader *r, hm_node_kind kind, yaml_mark_t m)
{
    if (++r->nodes > YAML_MAX_NODES) {
        hm_diag(r->diags, r->name, line_of(m), col_of(m), "too many YAML nodes (more than %d)",
                YAML_MAX_NODES);
        r->failed = 1;
        return NULL;
    }
    hm_node *n = hm_arena_alloc(r->arena, sizeof *n);
    if (!n) {
        hm_diag(r->diags, r->name, 0, 0, "out of memory reading YAML");
        r->failed = 1;
        return NULL;
    }
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->line = line_of(m);
    n->column = col_of(m);
    return n;
}

static hm_node *parse_node(reader *r, yaml_event_t *ev, int depth);

/* Reads the children of a sequence or mapping up to its end event. */
static int parse_children(reader *r, hm_node *n, yaml_event_type_t end, int depth)
{
    hm_vec items = {0};
    for (;;) {
        yaml_event_t ev;
        if (next_event(r, &ev) < 0)
            goto fail;
        if (ev.type == end) {
            yaml_event_delete(&ev);
            break;
        }
        hm_node *child = parse_node(r, &ev, depth + 1);
        yaml_event_delete(&ev);
        if (!child)
            goto fail;
        if (hm_vec_push(&items, child) < 0) {
            hm_diag(r->diags, r->name, 0, 0, "out of memory reading YAML");
            goto fail;
        }
    }
    if (items.n) {
        n->items = hm_arena_alloc(r->arena, items.n * sizeof *n->items);
        if (!n->items) {
            hm_diag(r->diags, r->name, 0, 0, "out of memory reading YAML");
            goto fail;
        }
        memcpy(n->items, items.items, items.n * sizeof *n->items);
        n->n = items.n;
    }
    hm_vec_free(&items);
    return 0;
fail:
    r->failed = 1;
    hm_vec_free(&items);
    return -1;
}

static hm_node *parse_node(reader *r, yaml_event_t *ev, int depth)
{
    yaml_mark_t m = ev->start_mark;
    if (depth > YAML_MAX_DEPTH) {
        hm_diag(r->diags, r->name, line_of(m), col_of(m), "YAML nested deeper than %d levels",
                YAML_MAX_DEPTH);
        r->failed = 1;
        return NULL;
    }
    hm_node *n;
    switch (ev->type) {
    case YAML_ALIAS_EVENT:
        hm_diag(r->diags, r->name, line_of(m), col_of(m),
                "YAML aliases (*%s) are not allowed in hmmm files",
                (const char *)ev->data.alias.anchor);
        r->failed = 1;
        return NULL;
    case YAML_SCALAR_EVENT: {
        const char *v = (const char *)ev->data.scalar.value;
        size_t len = ev->data.scalar.length;
        int plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        int is_null = plain && (len == 0 || (len == 1 && v[0] == '~') ||
                                (len == 4 && (!memcmp(v, "null", 4) || !memcmp(v, "Null", 4) ||
                                              !memcmp(v, "NULL", 4))));
        n = new_node(r, is_null ? HM_NULL : HM_SCALAR, m);
        if (!n)
            return NULL;
        n->quoted = !plain;
        n->str = hm_arena_strndup(r->arena, v, len);
        n->len = len;
        if (!n->str) {
            hm_diag(r->diags, r->name, 0, 0, "out of memory reading YAML");
            r->failed = 1;
            return NULL;
        }
        return n;
    }
    case YAML_SEQUENCE_START_EVENT:
        n = new_node(r, HM_SEQ, m);
        if (!n || parse_children(r, n, YAML_SEQUENCE_END_EVENT, depth) < 0)
            return NULL;
        return n;
    case YAML_MAPPING_START_EVENT:
        n = new_node(r, HM_MAP, m);
        if (!n || parse_children(r, n, YAML_MAPPING_END_EVENT, depth) < 0)
            return NULL;
        return n;
    default:
        hm_diag(r->diags, r->name, line_of(m), col_of(m), "unexpected YAML structure");
        r->failed = 1;
        return NULL;
    }
}

hm_node *hm_yaml_parse(hm_arena *arena, const char *name, const char *data, size_t len,
                       hmmm_diags *diags)
{
    reader r = {.arena = arena, .name = name, .diags = diags, .data = data, .len = len};
    if (!yaml_parser_initialize(&r.parser)) {
        hm_diag(diags, name, 0, 0, "out of memory reading YAML");
        return NULL;
    }
    yaml_parser_set_input_string(&r.parser, (const unsigned char *)data, len);
    hm_node *root = NULL;
    int docs = 0;
    for (;;) {
        yaml_event_t ev;
        if (next_event(&r, &ev) < 0)
            break;
        yaml_event_type_t type = ev.type;
        yaml_mark_t m = ev.start_mark;
        if (type == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        if (type == YAML_DOCUMENT_START_EVENT && ++docs > 1) {
            hm_diag(diags, name, line_of(m), col_of(m),
                    "only one YAML document is allowed in a file");
            r.failed = 1;
            yaml_event_delete(&ev);
            break;
        }
        if (type == YAML_SCALAR_EVENT || type == YAML_SEQUENCE_START_EVENT ||
            type == YAML_MAPPING_START_EVENT || type == YAML_ALIAS_EVENT) {
            root = parse_node(&r, &ev, 0);
            if (!root) {
                yaml_event_delete(&ev);
                break;
            }
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&r.parser);
    if (r.failed)
        return NULL;
    if (!root) {
        yaml_mark_t m = {0, 0, 0};
        root = new_node(&r, HM_NULL, m);
    }
    return root;
}

hm_node *hm_yaml_get(const hm_node *map, const char *key)
{
    if (!map || map->kind != HM_MAP)
        return NULL;
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        const hm_node *k = map->items[i];
        if (k->kind == HM_SCALAR && !strcmp(k->str, key))
            return map->items[i + 1];
    }
    return NULL;
}

const char *hm_yaml_kind_name(hm_node_kind kind)
{
    switch (kind) {
    case HM_NULL:
        return "nothing";
    case HM_SCALAR:
        return "a string";
    case HM_SEQ:
        return "a list";
    case HM_MAP:
        return "a mapping";
    }
    return "?";
}

hm_node *hm_yaml_unbake(hm_arena *arena, const hm_baked_tree *t)
{
    hm_node *nodes = hm_arena_alloc(arena, t->n_nodes * sizeof *nodes);
    if (!nodes)
        return NULL;
    for (size_t i = 0; i < t->n_nodes; i++) {
        const hm_baked_node *b = &t->nodes[i];
        hm_node *n = &nodes[i];
        *n = (hm_node){.kind = (hm_node_kind)b->kind,
                       .line = b->line,
                       .column = b->column,
                       .quoted = b->quoted,
                       .str = b->str == UINT32_MAX ? NULL : (char *)t->strings + b->str,
                       .len = b->len,
                       .n = b->n};
        if (b->n) {
            n->items = hm_arena_alloc(arena, b->n * sizeof *n->items);
            if (!n->items)
                return NULL;
            for (size_t k = 0; k < b->n; k++)
                n->items[k] = &nodes[t->items[b->items + k]];
        }
    }
    return nodes;
}
