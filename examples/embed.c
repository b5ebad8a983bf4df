/* embed.c - checks a file with hmmm's built-in packs through the library
 * alone, the way an editor plugin would, and prints one finding a line.
 *
 *   cc embed.c $(pkg-config --cflags --libs hmmm) -o embed
 *   ./embed draft.md
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hmmm/hmmm.h>

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *bigger = realloc(buf, cap *= 2);
            if (!bigger)
                free(buf);
            buf = bigger;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: embed FILE\n");
        return 2;
    }
    size_t len;
    char *text = slurp(argv[1], &len);
    if (!text) {
        perror(argv[1]);
        return 2;
    }
    hmmm_ruleset *rs = hmmm_ruleset_new();
    hmmm_diags *diags = hmmm_diags_new();
    int rc = 0;
    if (hmmm_ruleset_load_builtin(rs, NULL, 0, diags) != HMMM_OK ||
        hmmm_ruleset_compile(rs, diags) != HMMM_OK) {
        for (size_t i = 0; i < hmmm_diags_count(diags); i++) {
            const hmmm_diag *d = hmmm_diags_get(diags, i);
            fprintf(stderr, "%s:%u:%u: error: %s\n", d->file, d->line, d->column, d->message);
        }
        rc = 2;
        goto out;
    }
    int type = hmmm_doctype_for_path(argv[1]);
    hmmm_result *res;
    if (hmmm_check(rs, text, len, type < 0 ? HMMM_TEXT : (hmmm_doctype)type, &res) !=
        HMMM_OK) {
        fprintf(stderr, "%s: could not be checked\n", argv[1]);
        rc = 2;
        goto out;
    }
    for (size_t i = 0; i < hmmm_result_count(res); i++) {
        const hmmm_finding *f = hmmm_result_get(res, i);
        printf("%s:%u:%u: %s: %s [%s]\n", argv[1], f->line, f->column,
               hmmm_level_name(f->level), f->message, f->rule->id);
    }
    hmmm_result_free(res);
out:
    hmmm_diags_free(diags);
    hmmm_ruleset_free(rs);
    free(text);
    return rc;
}
