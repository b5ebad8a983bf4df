/* lsp.c - hmmm lsp: a Language Server Protocol server over standard input
 * and output. Documents are checked when opened, changed (full text) and
 * saved, and their findings published as diagnostics; hover shows a rule's
 * reason and glossary entry; code actions put a suggestion in place of a
 * match. Positions are in UTF-16 code units, as the protocol counts them.
 * Each document's rules come from the .hmmm.yaml nearest its folder. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

/* ---- the rules for a folder -------------------------------------------- */

typedef struct rules_for {
    char *config; /* the config file's path, or "" for none */
    hmmm_config *cfg;
    hmmm_ruleset *rs; /* NULL when they could not be loaded */
    int min_level;
} rules_for;

typedef struct document {
    char *uri, *path; /* path: NULL when the URI is not a file */
    char *text;
    size_t len;
    hmmm_result *res;
    const rules_for *rules;
} document;

typedef struct server {
    const options *o;
    rules_for **rules; /* each allocated alone: documents point at them */
    size_t n_rules;
    document *docs;
    size_t n_docs;
    int shutdown;
} server;

static const rules_for *rules_for_dir(server *s, const char *dir)
{
    char *found = NULL;
    if (!s->o->no_config && !s->o->config)
        found = hmmm_config_find(dir ? dir : ".");
    const char *key = s->o->config ? s->o->config : found ? found : "";
    for (size_t i = 0; i < s->n_rules; i++)
        if (!strcmp(s->rules[i]->config, key)) {
            free(found);
            return s->rules[i];
        }
    rules_for **grown = realloc(s->rules, (s->n_rules + 1) * sizeof *grown);
    if (grown)
        s->rules = grown;
    rules_for *r = grown ? malloc(sizeof *r) : NULL;
    char *copy = r ? strdup(key) : NULL;
    free(found);
    if (!copy) {
        free(r);
        return NULL;
    }
    *r = (rules_for){copy, NULL, NULL, HMMM_SUGGESTION};
    s->rules[s->n_rules++] = r;
    if (copy[0]) {
        hmmm_diags *d = hmmm_diags_new();
        r->cfg = d ? hmmm_config_load(copy, d) : NULL;
        print_diags(d);
        hmmm_diags_free(d);
        if (!r->cfg)
            return r;
    }
    r->rs = load_rules(s->o, r->cfg, NULL, 0, 1);
    int lv = s->o->min_level >= 0 ? s->o->min_level : hmmm_config_min_level(r->cfg);
    r->min_level = lv >= 0 ? lv : HMMM_SUGGESTION;
    return r;
}

/* ---- positions --------------------------------------------------------- */

/* The length of the UTF-8 character at P (1 for a byte that is not one). */
static size_t char_len(const unsigned char *p, size_t n)
{
    size_t len = utf8_char(p, n);
    return len ? len : 1;
}

/* Byte offset OFF of TEXT as an LSP position: the line (line ends LF, CR
 * LF and CR) and the UTF-16 code units before it on that line. */
static json_t *position_of(const char *text, size_t len, size_t off)
{
    size_t line = 0, ch = 0;
    const unsigned char *t = (const unsigned char *)text;
    for (size_t i = 0; i < off && i < len;) {
        if (t[i] == '\n' || (t[i] == '\r' && !(i + 1 < len && t[i + 1] == '\n'))) {
            line++;
            ch = 0;
            i++;
            continue;
        }
        size_t n = char_len(t + i, len - i);
        ch += n == 4 ? 2 : 1;
        i += n;
    }
    return json_pack("{s:I, s:I}", "line", (json_int_t)line, "character", (json_int_t)ch);
}

/* The byte offset of LSP position POS in TEXT (the end of its line when
 * past it). */
static size_t offset_of(const char *text, size_t len, const json_t *pos)
{
    json_int_t line = json_integer_value(json_object_get(pos, "line"));
    json_int_t ch = json_integer_value(json_object_get(pos, "character"));
    const unsigned char *t = (const unsigned char *)text;
    size_t i = 0;
    for (json_int_t l = 0; l < line && i < len; i++)
        if (t[i] == '\n' || (t[i] == '\r' && !(i + 1 < len && t[i + 1] == '\n')))
            l++;
    for (json_int_t c = 0; c < ch && i < len && t[i] != '\n' && t[i] != '\r';) {
        size_t n = char_len(t + i, len - i);
        c += n == 4 ? 2 : 1;
        i += n;
    }
    return i;
}

static json_t *range_of(const document *d, size_t start, size_t end)
{
    return json_pack("{s:o, s:o}", "start", position_of(d->text, d->len, start), "end",
                     position_of(d->text, d->len, end));
}

/* ---- messages ---------------------------------------------------------- */

/* Reads one message, or NULL at the end of input. */
static json_t *read_message(FILE *in)
{
    char line[256];
    long length = -1;
    for (;;) {
        if (!fgets(line, sizeof line, in))
            return NULL;
        if (!strcmp(line, "\r\n") || !strcmp(line, "\n"))
            break;
        if (!strncasecmp(line, "Content-Length:", 15))
            length = strtol(line + 15, NULL, 10);
    }
    if (length < 0 || length > (1L << 30))
        return json_object(); /* no length: answered as a bad request */
    char *body = malloc((size_t)length + 1);
    if (!body || fread(body, 1, (size_t)length, in) != (size_t)length) {
        free(body);
        return NULL;
    }
    json_error_t e;
    json_memory_reset();
    json_t *msg = json_loadb(body, (size_t)length, 0, &e);
    free(body);
    if (json_memory_failed()) {
        json_decref(msg);
        msg = NULL;
    }
    return msg ? msg : json_object();
}

static void send_message(json_t *msg)
{
    if (!msg)
        return;
    if (json_object_set_new(msg, "jsonrpc", json_string("2.0")) == 0) {
        char *s = json_dumps_checked(msg, JSON_COMPACT);
        if (s) {
            printf("Content-Length: %zu\r\n\r\n%s", strlen(s), s);
            fflush(stdout);
            free(s);
        }
    }
    json_decref(msg);
}

static void reply(const json_t *id, json_t *result)
{
    send_message(json_pack("{s:O, s:o}", "id", id, "result", result ? result : json_null()));
}

static void reply_error(const json_t *id, int code, const char *message)
{
    send_message(json_pack("{s:O, s:{s:i, s:s}}", "id", id ? id : json_null(), "error", "code",
                           code, "message", message));
}

/* ---- documents --------------------------------------------------------- */

static document *find_doc(server *s, const char *uri)
{
    for (size_t i = 0; uri && i < s->n_docs; i++)
        if (!strcmp(s->docs[i].uri, uri))
            return &s->docs[i];
    return NULL;
}

/* The file path of a file: URI, percent-decoded; NULL for other URIs. */
static char *uri_path(const char *uri)
{
    if (strncmp(uri, "file://", 7))
        return NULL;
    const char *p = uri + 7;
    char *out = malloc(strlen(p) + 1);
    if (!out)
        return NULL;
    size_t k = 0;
    for (; *p; p++) {
        unsigned v;
        if (*p == '%' && sscanf(p + 1, "%2x", &v) == 1) {
            out[k++] = (char)v;
            p += 2;
        } else {
            out[k++] = *p;
        }
    }
    out[k] = '\0';
    return out;
}

/* The finding of D whose match holds byte OFF, or NULL. */
static const hmmm_finding *finding_at(const document *d, size_t off)
{
    for (size_t i = 0; d->res && i < hmmm_result_count(d->res); i++) {
        const hmmm_finding *x = hmmm_result_get(d->res, i);
        if ((int)x->level >= d->rules->min_level && x->offset <= off &&
            off <= x->offset + x->length)
            return x;
    }
    return NULL;
}

static int lsp_severity(hmmm_level lv)
{
    return lv == HMMM_ERROR ? 1 : lv == HMMM_WARNING ? 2 : 3;
}

static void publish(const document *d)
{
    json_t *list = json_array();
    for (size_t i = 0; list && d->res && i < hmmm_result_count(d->res); i++) {
        const hmmm_finding *x = hmmm_result_get(d->res, i);
        if ((int)x->level < d->rules->min_level)
            continue;
        const hmmm_rule *r = x->rule;
        char *msg = message_with_suggestions(x);
        json_t *diag =
            msg ? json_pack("{s:o, s:i, s:s, s:s, s:s}", "range",
                            range_of(d, x->offset, x->offset + x->length), "severity",
                            lsp_severity(x->level), "code", r->id, "source", "hmmm", "message", msg)
                : NULL;
        free(msg);
        if (diag && r->link)
            json_object_set_new(diag, "codeDescription", json_pack("{s:s}", "href", r->link));
        json_array_append_new(list, diag);
    }
    for (size_t i = 0; d->res && i < hmmm_result_error_count(d->res); i++)
        fprintf(stderr, "hmmm lsp: %s: %s\n", d->uri, hmmm_result_error(d->res, i));
    send_message(json_pack("{s:s, s:{s:s, s:o}}", "method", "textDocument/publishDiagnostics",
                           "params", "uri", d->uri, "diagnostics", list ? list : json_array()));
}

/* Sets D's text and checks it. */
static void check_doc(server *s, document *d, const char *text, const char *language)
{
    size_t len = strlen(text);
    char *copy = malloc(len + 1);
    if (!copy) {
        fprintf(stderr, "hmmm lsp: %s: out of memory\n", d->uri);
        return;
    }
    memcpy(copy, text, len + 1);
    free(d->text);
    d->text = copy;
    d->len = len;
    hmmm_result_free(d->res);
    d->res = NULL;
    if (!d->rules) {
        char *dir = d->path ? strdup(d->path) : NULL;
        char *slash = dir ? strrchr(dir, '/') : NULL;
        if (slash)
            *slash = '\0';
        d->rules = rules_for_dir(s, slash ? (dir[0] ? dir : "/") : NULL);
        free(dir);
    }
    if (!d->rules || !d->rules->rs) {
        fprintf(stderr, "hmmm lsp: %s: the rules could not be loaded\n", d->uri);
        return;
    }
    int type = s->o->type >= 0 ? s->o->type : -1;
    if (type < 0 && language)
        type = !strcmp(language, "markdown") ? HMMM_MARKDOWN
               : !strcmp(language, "html")   ? HMMM_HTML
                                             : -1;
    if (type < 0)
        type = hmmm_doctype_for_path(d->path ? d->path : d->uri);
    /* The editor sends text: a Word or OpenDocument file is read from the
     * command line, and what an editor shows of one is checked as text. */
    if (type < 0 || type == HMMM_DOCX || type == HMMM_ODT)
        type = HMMM_TEXT;
    if (hmmm_check_with(d->rules->rs, d->text, d->len, (hmmm_doctype)type,
                        HMMM_CHECK_TERMINATED | (s->o->mentions ? HMMM_CHECK_MENTIONS : 0),
                        &d->res) == HMMM_ENOMEM)
        fprintf(stderr, "hmmm lsp: %s: out of memory while checking\n", d->uri);
    publish(d);
}

static void did_open(server *s, const json_t *params)
{
    const json_t *td = json_object_get(params, "textDocument");
    const char *uri = json_string_value(json_object_get(td, "uri"));
    const char *text = json_string_value(json_object_get(td, "text"));
    if (!uri || !text)
        return;
    document *d = find_doc(s, uri);
    if (!d) {
        document *grown = realloc(s->docs, (s->n_docs + 1) * sizeof *grown);
        if (!grown)
            return;
        s->docs = grown;
        d = &s->docs[s->n_docs];
        *d = (document){0};
        if (!(d->uri = strdup(uri)))
            return;
        d->path = uri_path(uri);
        s->n_docs++;
    }
    check_doc(s, d, text, json_string_value(json_object_get(td, "languageId")));
}

static void did_change(server *s, const json_t *params)
{
    const json_t *td = json_object_get(params, "textDocument");
    document *d = find_doc(s, json_string_value(json_object_get(td, "uri")));
    const json_t *changes = json_object_get(params, "contentChanges");
    /* Full sync: the last change holds the whole text. */
    const json_t *last = json_array_get(changes, json_array_size(changes) - 1);
    const char *text = json_string_value(json_object_get(last, "text"));
    if (d && text)
        check_doc(s, d, text, NULL);
}

static void did_save(server *s, const json_t *params)
{
    const json_t *td = json_object_get(params, "textDocument");
    document *d = find_doc(s, json_string_value(json_object_get(td, "uri")));
    const char *text = json_string_value(json_object_get(params, "text"));
    if (d)
        check_doc(s, d, text ? text : d->text ? d->text : "", NULL);
}

static void did_close(server *s, const json_t *params)
{
    const json_t *td = json_object_get(params, "textDocument");
    document *d = find_doc(s, json_string_value(json_object_get(td, "uri")));
    if (!d)
        return;
    send_message(json_pack("{s:s, s:{s:s, s:[]}}", "method", "textDocument/publishDiagnostics",
                           "params", "uri", d->uri, "diagnostics"));
    free(d->uri);
    free(d->path);
    free(d->text);
    hmmm_result_free(d->res);
    *d = s->docs[--s->n_docs];
}

/* Markdown for a finding's hover: the message, then the rule explained. */
static json_t *hover_text(const hmmm_finding *x)
{
    char *help = rule_help_text(x->rule, 1);
    if (!help)
        return NULL;
    size_t cap = strlen(x->message) + strlen(x->rule->id) + strlen(help) + 64;
    char *t = malloc(cap);
    json_t *j = NULL;
    if (t) {
        snprintf(t, cap, "**%s** (%s, `%s`)\n\n%s", x->message, hmmm_level_name(x->level),
                 x->rule->id, help);
        j = json_pack("{s:s, s:s}", "kind", "markdown", "value", t);
    }
    free(t);
    free(help);
    return j;
}

static void hover(server *s, const json_t *id, const json_t *params)
{
    const json_t *td = json_object_get(params, "textDocument");
    document *d = find_doc(s, json_string_value(json_object_get(td, "uri")));
    const hmmm_finding *x =
        d && d->text
            ? finding_at(d, offset_of(d->text, d->len, json_object_get(params, "position")))
            : NULL;
    if (!x) {
        reply(id, NULL);
        return;
    }
    reply(id, json_pack("{s:o, s:o}", "contents", hover_text(x), "range",
                        range_of(d, x->offset, x->offset + x->length)));
}

/* SUGGESTION in the case of the matched words at DATA (N bytes). */
static char *in_case(const char *suggestion, const char *data, size_t n)
{
    size_t len = strlen(suggestion);
    char *out = malloc(len + 1);
    if (out) {
        put_in_case(out, suggestion, data, n);
        out[len] = '\0';
    }
    return out;
}

static void code_action(server *s, const json_t *id, const json_t *params)
{
    const json_t *td = json_object_get(params, "textDocument");
    const char *uri = json_string_value(json_object_get(td, "uri"));
    document *d = find_doc(s, uri);
    json_t *actions = json_array();
    const json_t *range = json_object_get(params, "range");
    if (d && d->text && d->res && actions) {
        size_t from = offset_of(d->text, d->len, json_object_get(range, "start"));
        size_t to = offset_of(d->text, d->len, json_object_get(range, "end"));
        for (size_t i = 0; i < hmmm_result_count(d->res); i++) {
            const hmmm_finding *x = hmmm_result_get(d->res, i);
            if ((int)x->level < d->rules->min_level || x->offset > to ||
                x->offset + x->length < from)
                continue;
            for (size_t k = 0; k < x->rule->n_suggest; k++) {
                char *text = in_case(x->rule->suggest[k], d->text + x->offset, x->length);
                char title[512];
                snprintf(title, sizeof title, "Replace \"%s\" with \"%s\"", x->match,
                         text ? text : "");
                json_t *edit =
                    json_pack("{s:o, s:s}", "range", range_of(d, x->offset, x->offset + x->length),
                              "newText", text ? text : "");
                json_t *a = json_pack("{s:s, s:s, s:{s:{s:[o]}}}", "title", title, "kind",
                                      "quickfix", "edit", "changes", uri, edit);
                if (a && k == 0 && x->rule->fix)
                    json_object_set_new(a, "isPreferred", json_true());
                json_array_append_new(actions, a);
                free(text);
            }
        }
    }
    reply(id, actions);
}

static json_t *capabilities(void)
{
    return json_pack("{s:{s:{s:b, s:i, s:{s:b}}, s:b, s:{s:[s]}}, s:{s:s, s:s}}", "capabilities",
                     "textDocumentSync", "openClose", 1, "change", 1, "save", "includeText", 1,
                     "hoverProvider", 1, "codeActionProvider", "codeActionKinds", "quickfix",
                     "serverInfo", "name", "hmmm", "version", hmmm_version());
}

int run_lsp(const options *o)
{
    server s = {.o = o};
    int rc = 1;
    for (;;) {
        json_t *msg = read_message(stdin);
        if (!msg)
            break; /* the editor went away */
        const char *method = json_string_value(json_object_get(msg, "method"));
        const json_t *id = json_object_get(msg, "id");
        const json_t *params = json_object_get(msg, "params");
        if (!method) {
            if (id)
                reply_error(id, -32600, "not a request");
        } else if (!strcmp(method, "initialize")) {
            reply(id, capabilities());
        } else if (!strcmp(method, "shutdown")) {
            s.shutdown = 1;
            reply(id, NULL);
        } else if (!strcmp(method, "exit")) {
            rc = s.shutdown ? 0 : 1;
            json_decref(msg);
            break;
        } else if (!strcmp(method, "textDocument/didOpen")) {
            did_open(&s, params);
        } else if (!strcmp(method, "textDocument/didChange")) {
            did_change(&s, params);
        } else if (!strcmp(method, "textDocument/didSave")) {
            did_save(&s, params);
        } else if (!strcmp(method, "textDocument/didClose")) {
            did_close(&s, params);
        } else if (!strcmp(method, "textDocument/hover")) {
            hover(&s, id, params);
        } else if (!strcmp(method, "textDocument/codeAction")) {
            code_action(&s, id, params);
        } else if (id) {
            reply_error(id, -32601, "method not found");
        }
        json_decref(msg);
    }
    for (size_t i = 0; i < s.n_docs; i++) {
        free(s.docs[i].uri);
        free(s.docs[i].path);
        free(s.docs[i].text);
        hmmm_result_free(s.docs[i].res);
    }
    free(s.docs);
    for (size_t i = 0; i < s.n_rules; i++) {
        free(s.rules[i]->config);
        hmmm_config_free(s.rules[i]->cfg);
        hmmm_ruleset_free(s.rules[i]->rs);
        free(s.rules[i]);
    }
    free(s.rules);
    return rc;
}
