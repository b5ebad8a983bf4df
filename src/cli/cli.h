/* cli.h - the command-line tool's own declarations. The tool uses the
 * library only through <hmmm/hmmm.h>. */
#ifndef HMMM_CLI_H
#define HMMM_CLI_H

#include <stddef.h>
#include <stdio.h>

#include <hmmm/hmmm.h>

#if defined(__GNUC__)
#define CLI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CLI_PRINTF(a, b)
#endif

enum { EXIT_CLEAN = 0, EXIT_FINDINGS = 1, EXIT_TROUBLE = 2 };

typedef enum command { CMD_CHECK, CMD_RULES, CMD_EXPLAIN, CMD_TEST, CMD_LSP } command;
typedef enum out_format {
    FMT_PRETTY,
    FMT_LINE,
    FMT_JSON,
    FMT_SARIF,
    FMT_GITHUB,
    FMT_CHECKSTYLE,
    FMT_HTML,    /* a web page: report.c */
    FMT_MARKDOWN /* hmmm rules only */
} out_format;
typedef enum color_mode { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER } color_mode;

#define FAIL_NEVER 3

typedef struct options {
    command cmd;
    int format; /* out_format, or -1 when not given */
    const char **rules;
    size_t n_rules;
    int no_builtin;
    const char *config;
    int no_config;
    int min_level; /* -1 when not given */
    int fail_on;   /* -1 when not given; FAIL_NEVER for never */
    const char *stdin_filename;
    int type; /* hmmm_doctype, or -1 for by name */
    color_mode color;
    int jobs; /* 0: one per processor */
    int quiet;
    int mentions;               /* report terms quoted on their own too */
    int no_prefilter;           /* every rule scans the whole text */
    int fix;                    /* --fix: rewrite files with safe suggestions */
    int diff;                   /* --diff: show those changes instead */
    const char *baseline;       /* --baseline FILE: findings not to report */
    const char *write_baseline; /* --write-baseline FILE */
    const char *pack;           /* hmmm rules --pack */
    const char **args;
    size_t n_args;
} options;

/* opts.c: returns 0, or an exit status to leave with at once (help, version,
 * usage error). */
int parse_options(int argc, char **argv, options *o);
void options_free(options *o);

/* term.c: messages on stderr, colour. */
void errorf(const char *fmt, ...) CLI_PRINTF(1, 2);
void notef(const char *fmt, ...) CLI_PRINTF(1, 2);
void print_diags(const hmmm_diags *d);
int want_color(color_mode mode, FILE *f);

/* walk.c: the files to check, in order. "-" stands for standard input. */
typedef struct file_list {
    char **paths;
    size_t n, cap;
    int errors; /* paths that could not be opened (already reported) */
} file_list;

int collect_files(const options *o, const hmmm_config *cfg, file_list *out);
void file_list_free(file_list *fl);

/* input.c: a document in memory, followed by a NUL byte. */
typedef struct input {
    char *data;
    size_t len;
    size_t mapped; /* bytes mapped for it, or 0 when malloc'd */
} input;

/* Return 0 or an errno. */
int input_read_path(const char *path, input *in);
int input_read_stdin(input *in);
void input_free(input *in);

/* format.c: the output formats. */
typedef struct summary {
    size_t files, findings, by_level[3], words;
} summary;

typedef struct formatter formatter;
/* jansson's allocations go through hmmm, which notes on each thread whether
 * one has failed: its reader does not always say. Watch once, at start. */
void json_memory_watch(void);
void json_memory_reset(void);
int json_memory_failed(void);
/* json_dumps, but NULL when any allocation failed on the way (jansson can
 * otherwise return the text with a byte missing). J is a json_t. */
struct json_t;
char *json_dumps_checked(const struct json_t *j, size_t flags);

/* The length of the UTF-8 character at P (of N bytes), or 0 when the bytes
 * there are not one that JSON may hold (overlong forms, surrogates and
 * values past U+10FFFF are refused too). */
size_t utf8_char(const unsigned char *p, size_t n);

/* The message of finding X with its suggestions: '"service users" casts
 * ...; try "people", "residents" or "citizens"'. NULL when out of memory. */
char *message_with_suggestions(const hmmm_finding *x);
/* Rule R explained, as plain text (MARKDOWN 0) or Markdown (1): why it
 * jars, what to write instead, its glossary entries and source. NULL when
 * out of memory. */
char *rule_help_text(const hmmm_rule *r, int markdown);

/* A formatter writing to OUT; RS is the ruleset in use (SARIF describes
 * every rule). NULL when out of memory. */
formatter *formatter_new(out_format fmt, FILE *out, int color, const hmmm_ruleset *rs);
/* One checked file: its findings at or above min_level. DATA is the text
 * they point into: the file itself, or the text taken out of a Word or
 * OpenDocument file (EXTRACTED), whose byte offsets mean nothing in the
 * file. Both return -1 when out of memory: the output is then
 * incomplete. */
int formatter_file(formatter *f, const char *path, const char *data, size_t len, int extracted,
                   const hmmm_finding *const *findings, size_t n);
int formatter_end(formatter *f, const summary *s);
void formatter_free(formatter *f);

/* report.c: --format html, one self-contained web page for every file,
 * written whole by report_end. */
typedef struct report report;
/* A report writing to OUT; RS is the ruleset in use. NULL when out of
 * memory. */
report *report_new(FILE *out, const hmmm_ruleset *rs);
/* One checked file: its text and findings (as formatter_file; PARAGRAPHS
 * when the text is a Word or OpenDocument file's, one paragraph a line).
 * -1 when out of memory, once: the page is then not written. */
int report_file(report *r, const char *path, const char *data, size_t len, int paragraphs,
                const hmmm_finding *const *findings, size_t n);
/* Writes the page. -1 when out of memory (nothing is written). */
int report_end(report *r, const summary *s);
void report_free(report *r);

/* The rungs of the ladder of co-production, coercion (0) to co-production. */
#define REPORT_RUNGS 7
/* Where the page places the language, given the findings on each rung:
 * the rung with the most, the lower when two have as many; -1 when no
 * rung has any. */
int report_ladder_place(const size_t counts[REPORT_RUNGS]);

/* fix.c: --fix and --diff. One replacement: OLD_LEN bytes at OLD_OFF in the
 * original became NEW_LEN bytes at NEW_OFF in the fixed text. */
typedef struct fix_edit {
    size_t old_off, old_len, new_off, new_len;
} fix_edit;

/* Writes SUGGESTION (without its NUL) to OUT in the case of ORIGINAL (N
 * bytes): all capitals for all capitals, a capital first letter for a
 * capital first letter. */
void put_in_case(char *out, const char *suggestion, const char *original, size_t n);
/* DATA with each of the findings FS (in document order) whose rule may be
 * fixed, and whose source is the matched words as written, replaced by the
 * rule's first suggestion in the original's case; overlapping ones after
 * the first are left. Returns the new text (free it) and its edits (free
 * them), or NULL when out of memory. */
char *fix_apply(const char *data, size_t len, const hmmm_finding *const *fs, size_t n,
                size_t *new_len, fix_edit **edits, size_t *n_edits);
/* Writes to OUT a unified diff (three lines of context) of OLD to NEW, whose
 * differences are EDITS, with NAME as both file names. -1 when out of
 * memory. */
int fix_diff(FILE *out, const char *name, const char *old, size_t old_len, const char *new,
             size_t new_len, const fix_edit *edits, size_t n_edits);
/* Replaces the file at PATH, which must still hold OLD, with NEW: written
 * to a temporary file beside it with the same permissions, then renamed
 * over it. Returns 0, ESTALE when the file changed since it was read, or
 * another errno value. */
int fix_write(const char *path, const char *old, size_t old_len, const char *new, size_t new_len);

/* baseline.c: the findings a repository already had. */
typedef struct baseline baseline;
baseline *baseline_new(void);
void baseline_free(baseline *b);
/* Adds the findings of the baseline file PATH. Returns 0, or -1 after
 * saying what is wrong with it (FILE:LINE:COLUMN where it can). */
int baseline_load(baseline *b, const char *path);
/* Whether finding X of document PATH (DATA, LEN bytes) is one the baseline
 * holds and has not matched yet: 1 (it is now matched), 0, or -1 when out
 * of memory. */
int baseline_take(baseline *b, const char *path, const char *data, size_t len,
                  const hmmm_finding *x);
/* How many findings baseline_take matched. */
size_t baseline_taken(const baseline *b);
/* Adds finding X to those baseline_write writes. -1 when out of memory. */
int baseline_add(baseline *b, const char *path, const char *data, size_t len,
                 const hmmm_finding *x);
/* A fingerprint of finding X in DATA (LEN bytes), as 16 hex digits: its
 * rule, matched words and the words either side in its sentence, as the
 * baseline knows it; it does not change when lines move. */
void finding_fingerprint(const char *data, size_t len, const hmmm_finding *x, char out[17]);
/* How many findings were added. */
size_t baseline_written(const baseline *b);
/* Writes the findings added to PATH (a temporary file, then renamed).
 * Returns 0, or -1 after saying why not. */
int baseline_write(const baseline *b, const char *path);

/* main.c: loads the rules the options and config CFG ask for (with EXTRA
 * files, whose built-in namesakes give way), configures them when CONFIGURE
 * and compiles them. NULL after reporting a problem. */
hmmm_ruleset *load_rules(const options *o, const hmmm_config *cfg, const char *const *extra,
                         size_t n_extra, int configure);

/* lsp.c: hmmm lsp, a language server on standard input and output. Returns
 * the exit status. */
int run_lsp(const options *o);

/* selftest.c: hmmm test. */
int run_selftest(const options *o, const hmmm_ruleset *rs, const char *const *only_files,
                 size_t n_only, int color);

/* describe.c: hmmm rules (a table, or --format markdown: the reference) and
 * hmmm explain. */
int list_rules(const options *o, const hmmm_ruleset *rs);
int explain(const options *o, const hmmm_ruleset *rs);

/* term.c: text wrapped to WIDTH columns after INDENT. */
void print_wrapped(FILE *out, const char *indent, const char *text, int width);

#endif /* HMMM_CLI_H */
