/* term.c - messages on standard error and the colour decision. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

void errorf(const char *fmt, ...)
{
    va_list ap;
    fputs("hmmm: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void notef(const char *fmt, ...)
{
    va_list ap;
    fputs("hmmm: note: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void print_diags(const hmmm_diags *d)
{
    for (size_t i = 0; i < hmmm_diags_count(d); i++) {
        const hmmm_diag *g = hmmm_diags_get(d, i);
        if (g->line)
            fprintf(stderr, "%s:%u:%u: error: %s\n", g->file, g->line, g->column, g->message);
        else if (g->file[0])
            fprintf(stderr, "%s: error: %s\n", g->file, g->message);
        else
            fprintf(stderr, "hmmm: error: %s\n", g->message);
    }
    if (hmmm_diags_lost(d))
        fprintf(stderr, "hmmm: error: out of memory (%zu message%s lost)\n", hmmm_diags_lost(d),
                hmmm_diags_lost(d) == 1 ? "" : "s");
}

int want_color(color_mode mode, FILE *f)
{
    if (mode == COLOR_ALWAYS)
        return 1;
    if (mode == COLOR_NEVER)
        return 0;
    const char *no = getenv("NO_COLOR");
    if (no && *no)
        return 0;
    const char *term = getenv("TERM");
    if (term && !strcmp(term, "dumb"))
        return 0;
    return isatty(fileno(f));
}

void print_wrapped(FILE *out, const char *indent, const char *text, int width)
{
    int col = 0;
    const char *p = text;
    while (*p) {
        while (*p == ' ' || *p == '\n' || *p == '\t')
            p++;
        if (!*p)
            break;
        const char *w = p;
        while (*p && *p != ' ' && *p != '\n' && *p != '\t')
            p++;
        int len = (int)(p - w);
        if (col == 0) {
            fputs(indent, out);
            col = (int)strlen(indent);
        } else if (col + 1 + len > width) {
            fputc('\n', out);
            fputs(indent, out);
            col = (int)strlen(indent);
        } else {
            fputc(' ', out);
            col++;
        }
        fwrite(w, 1, (size_t)len, out);
        col += len;
    }
    if (col)
        fputc('\n', out);
}
