/* test_fix.c - hmmm --fix and --diff (src/cli/fix.c): only fixable rules'
 * matches change, in the original's case; the diff is a unified diff patch
 * can apply; a file is rewritten atomically, keeping its permissions and
 * links, and never when it changed since it was read. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/cli.h"

static const char *rules_yaml = "pack: t\n"
                                "rules:\n"
                                "  - id: iot\n"
                                "    words: [in order to]\n"
                                "    message: m\n"
                                "    suggest: [to]\n"
                                "    fix: true\n"
                                "  - id: su\n"
                                "    words: [service users]\n"
                                "    message: m\n"
                                "    suggest: [people]\n";

typedef struct fixture {
    hmmm_ruleset *rs;
    hmmm_result *res;
    const hmmm_finding **fs;
    size_t n;
} fixture;

static void check(fixture *f, const char *text, hmmm_doctype type)
{
    f->rs = hmmm_ruleset_new();
    hmmm_diags *d = hmmm_diags_new();
    assert_int_equal(hmmm_ruleset_load_buffer(f->rs, "t.yaml", rules_yaml, strlen(rules_yaml), d),
                     HMMM_OK);
    assert_int_equal(hmmm_ruleset_compile(f->rs, d), HMMM_OK);
    hmmm_diags_free(d);
    assert_int_equal(hmmm_check(f->rs, text, strlen(text), type, &f->res), HMMM_OK);
    f->n = hmmm_result_count(f->res);
    f->fs = malloc((f->n ? f->n : 1) * sizeof *f->fs);
    for (size_t i = 0; i < f->n; i++)
        f->fs[i] = hmmm_result_get(f->res, i);
}

static void done(fixture *f)
{
    free(f->fs);
    hmmm_result_free(f->res);
    hmmm_ruleset_free(f->rs);
}

/* The fixed text of TEXT (free it), and its number of edits. */
static char *fixed(const char *text, hmmm_doctype type, size_t *n_edits)
{
    fixture f;
    check(&f, text, type);
    size_t len;
    fix_edit *edits;
    char *out = fix_apply(text, strlen(text), f.fs, f.n, &len, &edits, n_edits);
    assert_non_null(out);
    assert_int_equal(strlen(out), len);
    /* Outside the edits, not a byte differs. */
    size_t from = 0, to = 0;
    for (size_t i = 0; i < *n_edits; i++) {
        assert_int_equal(edits[i].old_off - from, edits[i].new_off - to);
        assert_memory_equal(text + from, out + to, edits[i].old_off - from);
        from = edits[i].old_off + edits[i].old_len;
        to = edits[i].new_off + edits[i].new_len;
    }
    assert_string_equal(text + from, out + to);
    free(edits);
    done(&f);
    return out;
}

static void only_fixable_rules_change_in_the_original_case(void **state)
{
    (void)state;
    size_t n;
    char *out = fixed("In order to help service users, in order to\nchange, IN ORDER TO win.\n",
                      HMMM_TEXT, &n);
    assert_int_equal(n, 3);
    assert_string_equal(out, "To help service users, to\nchange, TO win.\n");
    free(out);
}

static void matches_split_by_markup_are_left(void **state)
{
    (void)state;
    size_t n;
    char *out = fixed("We act *in order* to help, and in\norder to learn.\n", HMMM_MARKDOWN, &n);
    assert_int_equal(n, 1); /* across a line break is fine: no markup */
    assert_string_equal(out, "We act *in order* to help, and to learn.\n");
    free(out);
}

static void nothing_to_fix_is_no_edit(void **state)
{
    (void)state;
    size_t n;
    char *out = fixed("Service users said so.\n", HMMM_TEXT, &n);
    assert_int_equal(n, 0);
    assert_string_equal(out, "Service users said so.\n");
    free(out);
}

/* The diff of TEXT's fixes, as fix_diff writes it. */
static char *diff_of(const char *text)
{
    fixture f;
    check(&f, text, HMMM_TEXT);
    size_t len, n_edits;
    fix_edit *edits;
    char *out = fix_apply(text, strlen(text), f.fs, f.n, &len, &edits, &n_edits);
    char *buf = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&buf, &size);
    assert_int_equal(fix_diff(mem, "d.txt", text, strlen(text), out, len, edits, n_edits), 0);
    fclose(mem);
    free(out);
    free(edits);
    done(&f);
    return buf;
}

static void diffs_have_context_and_hunks(void **state)
{
    (void)state;
    char *d = diff_of("1\nin order to a\n3\n4\n5\n6\n7\n8\n9\n10\nb in order to\n12");
    assert_string_equal(d, "--- a/d.txt\n+++ b/d.txt\n"
                           "@@ -1,5 +1,5 @@\n"
                           " 1\n-in order to a\n+to a\n 3\n 4\n 5\n"
                           "@@ -8,5 +8,5 @@\n"
                           " 8\n 9\n 10\n-b in order to\n+b to\n 12\n"
                           "\\ No newline at end of file\n");
    free(d);
    /* Changes on lines close together share a hunk; a match across a line
     * break joins two lines into one. */
    d = diff_of("a\nin order\nto b\nc\n");
    assert_string_equal(d, "--- a/d.txt\n+++ b/d.txt\n"
                           "@@ -1,4 +1,3 @@\n"
                           " a\n-in order\n-to b\n+to b\n c\n");
    free(d);
}

static char *temp_file(const char *text, mode_t mode)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/hmmm-fix-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    chmod(path, mode);
    return path;
}

static char *contents(const char *path)
{
    input in = {0};
    assert_int_equal(input_read_path(path, &in), 0);
    char *s = strdup(in.data);
    input_free(&in);
    return s;
}

static void writes_keep_permissions_and_links(void **state)
{
    (void)state;
    char *path = temp_file("in order to\n", 0640);
    char link[80];
    snprintf(link, sizeof link, "%s-link", path);
    assert_int_equal(symlink(path, link), 0);
    assert_int_equal(fix_write(link, "in order to\n", 12, "to\n", 3), 0);
    char *now = contents(path);
    assert_string_equal(now, "to\n");
    free(now);
    struct stat st;
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640);
    unlink(link);
    unlink(path);
}

static void a_changed_file_is_not_written(void **state)
{
    (void)state;
    char *path = temp_file("in order to, edited since\n", 0644);
    assert_int_equal(fix_write(path, "in order to\n", 12, "to\n", 3), ESTALE);
    char *now = contents(path);
    assert_string_equal(now, "in order to, edited since\n");
    free(now);
    unlink(path);
    assert_int_equal(fix_write("/nonexistent/hmmm/x.md", "a", 1, "b", 1), ENOENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(only_fixable_rules_change_in_the_original_case),
        cmocka_unit_test(matches_split_by_markup_are_left),
        cmocka_unit_test(nothing_to_fix_is_no_edit),
        cmocka_unit_test(diffs_have_context_and_hunks),
        cmocka_unit_test(writes_keep_permissions_and_links),
        cmocka_unit_test(a_changed_file_is_not_written),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
