/* main.c - hmmm's command line: loads the config and the rules, checks each
 * file (in parallel, printing in order), and turns the outcome into an exit
 * status. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* ---- loading ----------------------------------------------------------- */

/* Reads the config file (unless told not to). Returns 0, or -1 after
 * reporting a bad one. */
static int load_config(const options *o, hmmm_config **out)
{
    *out = NULL;
    if (o->no_config)
        return 0;
    char *path = NULL;
    if (o->config) {
        path = strdup(o->config);
    } else {
        errno = 0;
        path = hmmm_config_find(".");
    }
    if (!path) {
        if (o->config || errno == ENOMEM) {
            errorf("out of memory");
            return -1;
        }
        return 0; /* none, or the folder cannot be resolved */
    }
    /* Show a discovered config relative to here when it is below here. */
    char cwd[4096];
    size_t n;
    if (!o->config && getcwd(cwd, sizeof cwd) && (n = strlen(cwd)) > 1 && !strncmp(path, cwd, n) &&
        path[n] == '/')
        memmove(path, path + n + 1, strlen(path + n + 1) + 1);
    hmmm_diags *d = hmmm_diags_new();
    if (!d) {
        errorf("out of memory");
        free(path);
        return -1;
    }
    *out = hmmm_config_load(path, d);
    print_diags(d);
    hmmm_diags_free(d);
    free(path);
    return *out ? 0 : -1;
}

/* Whether the stem of PATH's file name is STEM ("rules/jargon.yaml"). */
static int same_stem(const char *path, const char *stem)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(stem);
    return !strncmp(base, stem, n) && (!strcmp(base + n, ".yaml") || !strcmp(base + n, ".yml"));
}

/* Loads, configures and compiles the rules. EXTRA are more files (hmmm test's
 * arguments); a built-in file of the same name gives way to them. */
hmmm_ruleset *load_rules(const options *o, const hmmm_config *cfg, const char *const *extra,
                         size_t n_extra, int configure)
{
    hmmm_ruleset *rs = hmmm_ruleset_new();
    hmmm_diags *d = hmmm_diags_new();
    if (!rs || !d) {
        errorf("out of memory");
        hmmm_ruleset_free(rs);
        hmmm_diags_free(d);
        return NULL;
    }
    hmmm_status st = HMMM_OK, s;
    hmmm_ruleset_set_prefilter(rs, !o->no_prefilter);
    if (!o->no_builtin) {
        size_t n_packs;
        const char *const *packs = hmmm_config_packs(cfg, &n_packs);
        for (const char *const *b = hmmm_builtin_files(); *b; b++) {
            int want = !packs || !strcmp(*b, "glossary");
            for (size_t k = 0; packs && k < n_packs && !want; k++)
                want = !strcmp(packs[k], *b);
            for (size_t k = 0; k < n_extra && want; k++)
                want = !same_stem(extra[k], *b);
            if (want && (s = hmmm_ruleset_load_builtin_file(rs, *b, d)) != HMMM_OK)
                st = s;
        }
    }
    size_t n_cfg;
    const char *const *cfg_rules = hmmm_config_rules(cfg, &n_cfg);
    for (size_t i = 0; i < n_cfg; i++)
        if ((s = hmmm_ruleset_load_path(rs, cfg_rules[i], d)) != HMMM_OK)
            st = s;
    for (size_t i = 0; i < o->n_rules; i++)
        if ((s = hmmm_ruleset_load_path(rs, o->rules[i], d)) != HMMM_OK)
            st = s;
    for (size_t i = 0; i < n_extra; i++)
        if ((s = hmmm_ruleset_load_path(rs, extra[i], d)) != HMMM_OK)
            st = s;
    if (st == HMMM_OK && configure)
        st = hmmm_ruleset_configure(rs, cfg, d);
    if (st == HMMM_OK)
        st = hmmm_ruleset_compile(rs, d);
    print_diags(d);
    hmmm_diags_free(d);
    if (st != HMMM_OK) {
        if (st == HMMM_ENOMEM)
            errorf("out of memory loading the rules");
        hmmm_ruleset_free(rs);
        return NULL;
    }
    return rs;
}

/* Reads the config and loads the rules it and the options name; the config
 * is needed only while loading. Returns NULL after reporting a problem. */
static hmmm_ruleset *config_and_rules(const options *o, const char *const *extra, size_t n_extra,
                                      int configure)
{
    hmmm_config *cfg;
    if (load_config(o, &cfg) < 0)
        return NULL;
    hmmm_ruleset *rs = load_rules(o, cfg, extra, n_extra, configure);
    hmmm_config_free(cfg);
    return rs;
}

/* ---- checking files ---------------------------------------------------- */

typedef struct job {
    const char *path;    /* as given; "-" for stdin */
    const char *display; /* as printed */
    input in;
    hmmm_result *res;
    hmmm_status st;
    int read_error; /* errno, or 0 */
    int done;
} job;

typedef struct outcome {
    int trouble; /* exit 2 */
    int failed;  /* a finding at or above fail-on */
} outcome;

/* Files are checked by a pool of workers and printed in order: a worker
 * that finishes the first file not yet printed prints it, and every one
 * after it that is done, so no thread waits just to print. */
typedef struct pool {
    const options *o;
    const hmmm_ruleset *rs;
    job *jobs;
    size_t n, next, printed;
    size_t window; /* how far workers may run ahead of the printing */
    formatter *fmt;
    baseline *base; /* with --baseline or --write-baseline */
    int min_level, fail_on;
    summary sum;
    outcome out;
    int printing;   /* a worker is printing */
    size_t waiting; /* workers waiting for room */
    pthread_mutex_t mu;
    pthread_cond_t room;
} pool;

static hmmm_doctype doc_type(const options *o, const char *display)
{
    if (o->type >= 0)
        return (hmmm_doctype)o->type;
    int t = hmmm_doctype_for_path(display);
    return t < 0 ? HMMM_TEXT : (hmmm_doctype)t;
}

static void run_job(const pool *p, job *j)
{
    if (!j->in.data && !j->read_error)
        j->read_error =
            !strcmp(j->path, "-") ? input_read_stdin(&j->in) : input_read_path(j->path, &j->in);
    if (j->read_error)
        return;
    j->st = hmmm_check_with(p->rs, j->in.data, j->in.len, doc_type(p->o, j->display),
                            HMMM_CHECK_TERMINATED | (p->o->mentions ? HMMM_CHECK_MENTIONS : 0),
                            &j->res);
}

static void report_job(pool *p, job *j);

/* Prints the finished files from the first not yet printed on, unless a
 * worker is already at it. Called and returns with the lock held. */
static void print_ready(pool *p)
{
    if (p->printing)
        return;
    p->printing = 1;
    while (p->printed < p->n && p->jobs[p->printed].done) {
        job *j = &p->jobs[p->printed];
        pthread_mutex_unlock(&p->mu);
        report_job(p, j);
        pthread_mutex_lock(&p->mu);
        p->printed++;
        if (p->waiting)
            pthread_cond_broadcast(&p->room);
    }
    p->printing = 0;
}

static void *worker(void *arg)
{
    pool *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->next < p->n && p->next >= p->printed + p->window) {
            p->waiting++;
            pthread_cond_wait(&p->room, &p->mu);
            p->waiting--;
        }
        if (p->next >= p->n)
            break;
        job *j = &p->jobs[p->next++];
        pthread_mutex_unlock(&p->mu);
        run_job(p, j);
        pthread_mutex_lock(&p->mu);
        j->done = 1;
        print_ready(p);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Prints one finished job and frees what it held. */
/* Prints the errors RES holds for the document DISPLAY. */
static void report_errors(const char *display, const hmmm_result *res, outcome *out)
{
    for (size_t i = 0; i < hmmm_result_error_count(res); i++) {
        fprintf(stderr, "%s: error: %s\n", display, hmmm_result_error(res, i));
        out->trouble = 1;
    }
}

/* The findings of RES at or above MIN_LEVEL, in order (free the list), and
 * their number in *K. NULL when out of memory. */
static const hmmm_finding **shown_findings(const hmmm_result *res, int min_level, size_t *k)
{
    size_t n = hmmm_result_count(res);
    const hmmm_finding **shown = malloc((n ? n : 1) * sizeof *shown);
    *k = 0;
    for (size_t i = 0; shown && i < n; i++) {
        const hmmm_finding *x = hmmm_result_get(res, i);
        if ((int)x->level >= min_level)
            shown[(*k)++] = x;
    }
    return shown;
}

/* --fix and --diff for job J, whose findings are *SHOWN (*K of them). With
 * --diff the changes are printed; with --fix the file is rewritten, and
 * then *FIXED, *LEN, *AFTER and *SHOWN are the fixed text, its length, its
 * findings and those of them to report. Returns 0, or -1 after reporting a
 * problem. */
static int fix_job(const options *o, const hmmm_ruleset *rs, job *j, int min_level,
                   const hmmm_finding ***shown, size_t *k, char **fixed, size_t *len,
                   hmmm_result **after, outcome *out)
{
    fix_edit *edits = NULL;
    size_t n_edits = 0, fixed_len = 0, text_len;
    /* A Word or OpenDocument file: its text, which cannot be written back. */
    const char *of_file = hmmm_result_text(j->res, &text_len);
    char *text = of_file
                     ? fix_apply(of_file, text_len, *shown, *k, &fixed_len, &edits, &n_edits)
                     : fix_apply(j->in.data, j->in.len, *shown, *k, &fixed_len, &edits, &n_edits);
    int r = 0;
    if (!text) {
        errorf("%s: out of memory fixing it", j->display);
        r = -1;
    } else if (n_edits && of_file) {
        int word = doc_type(o, j->display) == HMMM_DOCX;
        errorf("%s: %s %s: make the changes in %s", j->display,
               o->diff ? "--diff cannot show changes to" : "--fix cannot rewrite",
               word ? "a Word document" : "an OpenDocument text",
               word ? "Word" : "your word processor");
        r = -1;
    } else if (n_edits && o->diff) {
        if (fix_diff(stdout, j->display, j->in.data, j->in.len, text, fixed_len, edits, n_edits) <
            0) {
            errorf("%s: out of memory showing the changes", j->display);
            r = -1;
        }
    } else if (n_edits && !strcmp(j->path, "-")) {
        errorf("%s: --fix cannot rewrite standard input (--diff shows the changes)", j->display);
        r = -1;
    } else if (n_edits) {
        int e = fix_write(j->path, j->in.data, j->in.len, text, fixed_len);
        if (e) {
            errorf("%s: not fixed: %s", j->display,
                   e == ESTALE ? "it changed since it was read" : strerror(e));
            r = -1;
        } else {
            if (!o->quiet)
                notef("%s: fixed %zu finding%s", j->display, n_edits, n_edits == 1 ? "" : "s");
            hmmm_status st = hmmm_check_with(
                rs, text, fixed_len, doc_type(o, j->display),
                HMMM_CHECK_TERMINATED | (o->mentions ? HMMM_CHECK_MENTIONS : 0), after);
            const hmmm_finding **again = NULL;
            if (st == HMMM_ENOMEM || !*after || !(again = shown_findings(*after, min_level, k))) {
                errorf("%s: fixed, but out of memory checking it again", j->display);
                hmmm_result_free(*after);
                *after = NULL;
                *k = 0;
                r = -1;
            } else {
                report_errors(j->display, *after, out);
                free(*shown);
                *shown = again;
                *fixed = text;
                *len = fixed_len;
                text = NULL;
            }
        }
    }
    if (r < 0)
        out->trouble = 1;
    free(text);
    free(edits);
    return r;
}

/* Takes out of *SHOWN (*K findings of document J, whose text is DATA)
 * those the baseline holds, and with --write-baseline adds them all to
 * it. Returns 0, or -1 when out of memory. */
static int apply_baseline(const pool *p, const job *j, const char *data, size_t len,
                          const hmmm_finding **shown, size_t *k)
{
    size_t kept = 0;
    for (size_t i = 0; i < *k; i++) {
        if (p->o->write_baseline && baseline_add(p->base, j->display, data, len, shown[i]) < 0)
            return -1;
        int known = p->o->baseline ? baseline_take(p->base, j->display, data, len, shown[i]) : 0;
        if (known < 0)
            return -1;
        if (!known)
            shown[kept++] = shown[i];
    }
    *k = kept;
    return 0;
}

/* Prints one finished job and frees what it held. Only one thread at a
 * time does this, in the order of the files. */
static void report_job(pool *p, job *j)
{
    const options *o = p->o;
    const hmmm_ruleset *rs = p->rs;
    formatter *fmt = p->fmt;
    int min_level = p->min_level, fail_on = p->fail_on;
    summary *sum = &p->sum;
    outcome *out = &p->out;
    if (j->read_error) {
        errorf("%s: cannot read: %s", j->display, strerror(j->read_error));
        out->trouble = 1;
        return;
    }
    if (j->st == HMMM_ENOMEM || !j->res) {
        errorf("%s: out of memory while checking", j->display);
        out->trouble = 1;
        goto done;
    }
    if (hmmm_result_binary(j->res)) {
        if (!o->quiet)
            notef("%s: binary file, not checked", j->display);
        goto done;
    }
    if (hmmm_result_unreadable(j->res)) {
        fprintf(stderr, "%s: error: %s\n", j->display, hmmm_result_unreadable(j->res));
        out->trouble = 1;
        goto done;
    }
    report_errors(j->display, j->res, out);
    size_t k = 0;
    const hmmm_finding **shown = shown_findings(j->res, min_level, &k);
    if (!shown) {
        errorf("out of memory");
        out->trouble = 1;
        goto done;
    }
    /* With --fix, what is reported is what is left in the fixed text. The
     * findings of a Word or OpenDocument file point into its text. */
    const hmmm_result *res = j->res;
    size_t len = j->in.len;
    const char *data = hmmm_result_text(res, &len);
    int extracted = data != NULL;
    if (!extracted) {
        data = j->in.data;
        len = j->in.len;
    }
    hmmm_result *after = NULL;
    char *fixed = NULL;
    if ((o->fix || o->diff) && k &&
        fix_job(o, rs, j, min_level, &shown, &k, &fixed, &len, &after, out) == 0 && after) {
        res = after;
        data = fixed;
    }
    if (p->base && apply_baseline(p, j, data, len, shown, &k) < 0) {
        errorf("%s: out of memory matching the baseline", j->display);
        out->trouble = 1;
    }
    for (size_t i = 0; i < k; i++) {
        sum->by_level[shown[i]->level]++;
        if ((int)shown[i]->level >= fail_on)
            out->failed = 1;
    }
    sum->files++;
    sum->findings += k;
    sum->words += hmmm_result_words(res);
    if (fmt && formatter_file(fmt, j->display, data, len, extracted, shown, k) < 0) {
        errorf("%s: out of memory writing its findings", j->display);
        out->trouble = 1;
    }
    free(shown);
    free(fixed);
    hmmm_result_free(after);
done:
    hmmm_result_free(j->res);
    j->res = NULL;
    input_free(&j->in);
}

static int online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

static int cmd_check(const options *o)
{
    hmmm_config *cfg;
    if (load_config(o, &cfg) < 0)
        return EXIT_TROUBLE;
    int min_level = o->min_level >= 0 ? o->min_level : hmmm_config_min_level(cfg);
    if (min_level < 0)
        min_level = HMMM_SUGGESTION;
    int fail_on = o->fail_on >= 0 ? o->fail_on : hmmm_config_fail_on(cfg);
    if (fail_on < 0)
        fail_on = HMMM_ERROR;

    options o2 = *o;
    const char *dash[] = {"-"};
    if (o->n_args == 0) {
        if (isatty(0)) {
            errorf("nothing to check: name files or folders, or pipe text in");
            fputs("Try 'hmmm --help' for more.\n", stderr);
            hmmm_config_free(cfg);
            return EXIT_TROUBLE;
        }
        o2.args = dash;
        o2.n_args = 1;
    }
    file_list fl;
    outcome out = {0};
    if (collect_files(&o2, cfg, &fl) < 0) {
        errorf("out of memory listing files");
        out.trouble = 1;
    }
    if (fl.errors)
        out.trouble = 1;

    /* Standard input is read now, once, however often "-" is named. */
    input stdin_in = {0};
    int stdin_error = 0;
    for (size_t i = 0; i < fl.n; i++)
        if (!strcmp(fl.paths[i], "-") && !stdin_in.data && !stdin_error)
            stdin_error = input_read_stdin(&stdin_in);
    hmmm_ruleset *rs = load_rules(o, cfg, NULL, 0, 1);
    if (!rs) {
        input_free(&stdin_in);
        file_list_free(&fl);
        hmmm_config_free(cfg);
        return EXIT_TROUBLE;
    }

    int fmt_kind = o->format >= 0 ? o->format : isatty(1) ? FMT_PRETTY : FMT_LINE;
    formatter *fmt = o->quiet || o->diff ? NULL
                                         : formatter_new((out_format)fmt_kind, stdout,
                                                         want_color(o->color, stdout), rs);
    pool p = {.o = o, .rs = rs, .n = fl.n};
    p.jobs = calloc(fl.n ? fl.n : 1, sizeof *p.jobs);
    int base_bad = 0;
    if ((o->baseline || o->write_baseline) && (p.base = baseline_new()) != NULL && o->baseline)
        base_bad = baseline_load(p.base, o->baseline) < 0;
    if (!p.jobs || (!o->quiet && !o->diff && !fmt) ||
        ((o->baseline || o->write_baseline) && !p.base) || base_bad) {
        if (!base_bad)
            errorf("out of memory");
        baseline_free(p.base);
        free(p.jobs);
        input_free(&stdin_in);
        formatter_free(fmt);
        file_list_free(&fl);
        hmmm_ruleset_free(rs);
        hmmm_config_free(cfg);
        return EXIT_TROUBLE;
    }
    for (size_t i = 0; i < fl.n; i++) {
        p.jobs[i].path = fl.paths[i];
        if (!strcmp(fl.paths[i], "-") && (stdin_in.data || stdin_error)) {
            p.jobs[i].in = stdin_in;
            p.jobs[i].read_error = stdin_error;
            memset(&stdin_in, 0, sizeof stdin_in);
            stdin_error = 0;
        }
        p.jobs[i].display = !strcmp(fl.paths[i], "-")
                                ? (o->stdin_filename ? o->stdin_filename : "<stdin>")
                                : fl.paths[i];
    }
    int jobs = o->jobs ? o->jobs : online_cpus();
    if ((size_t)jobs > fl.n)
        jobs = fl.n ? (int)fl.n : 1;
    p.window = (size_t)jobs * 8;
    p.fmt = fmt;
    p.min_level = min_level;
    p.fail_on = fail_on;
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.room, NULL);
    pthread_t threads[256];
    int started = 0;
    if (jobs > 1)
        for (; started < jobs; started++)
            if (pthread_create(&threads[started], NULL, worker, &p) != 0)
                break;
    if (started) {
        for (int t = 0; t < started; t++)
            pthread_join(threads[t], NULL);
    } else {
        for (size_t i = 0; i < fl.n; i++) {
            run_job(&p, &p.jobs[i]);
            report_job(&p, &p.jobs[i]);
        }
    }
    if (fmt && formatter_end(fmt, &p.sum) < 0) {
        errorf("out of memory writing the summary");
        out.trouble = 1;
    }
    out.trouble |= p.out.trouble;
    out.failed |= p.out.failed;
    if (o->baseline && !o->quiet && baseline_taken(p.base))
        notef("%zu finding%s in the baseline not reported", baseline_taken(p.base),
              baseline_taken(p.base) == 1 ? "" : "s");
    if (o->write_baseline) {
        if (baseline_write(p.base, o->write_baseline) < 0)
            out.trouble = 1;
        else if (!o->quiet)
            notef("wrote %zu finding%s to %s", baseline_written(p.base),
                  baseline_written(p.base) == 1 ? "" : "s", o->write_baseline);
        out.failed = 0; /* the findings are now the baseline */
    }
    baseline_free(p.base);
    pthread_mutex_destroy(&p.mu);
    pthread_cond_destroy(&p.room);
    free(p.jobs);
    input_free(&stdin_in);
    formatter_free(fmt);
    file_list_free(&fl);
    hmmm_ruleset_free(rs);
    hmmm_config_free(cfg);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        if (errno != EPIPE)
            errorf("cannot write the report: %s", strerror(errno));
        return EXIT_TROUBLE;
    }
    if (out.trouble)
        return EXIT_TROUBLE;
    return out.failed && fail_on != FAIL_NEVER ? EXIT_FINDINGS : EXIT_CLEAN;
}

/* ---- rules, explain and test ----------------------------------------- */

/* Runs FN with the rules loaded as the config and options say; hmmm test
 * (TEST) also loads its arguments and leaves the config's disable, levels
 * and accept out, so that every rule's own examples are checked as written. */
static int with_rules(const options *o, int test, int (*fn)(const options *, const hmmm_ruleset *))
{
    hmmm_ruleset *rs =
        test ? config_and_rules(o, o->args, o->n_args, 0) : config_and_rules(o, NULL, 0, 1);
    if (!rs)
        return EXIT_TROUBLE;
    int rc = fn(o, rs);
    hmmm_ruleset_free(rs);
    return rc;
}

static int selftest(const options *o, const hmmm_ruleset *rs)
{
    return run_selftest(o, rs, o->args, o->n_args, want_color(o->color, stdout));
}

int main(int argc, char **argv)
{
    /* A closed pipe (hmmm ... | head) ends output quietly, not with a signal. */
    signal(SIGPIPE, SIG_IGN);
    json_memory_watch();
    options o;
    int rc = parse_options(argc, argv, &o);
    if (rc != 0) {
        options_free(&o);
        return rc < 0 ? EXIT_CLEAN : rc;
    }
    switch (o.cmd) {
    case CMD_RULES:
        rc = with_rules(&o, 0, list_rules);
        break;
    case CMD_EXPLAIN:
        rc = with_rules(&o, 0, explain);
        break;
    case CMD_TEST:
        rc = with_rules(&o, 1, selftest);
        break;
    case CMD_LSP:
        rc = run_lsp(&o);
        break;
    case CMD_CHECK:
        rc = cmd_check(&o);
        break;
    }
    options_free(&o);
    return rc;
}
