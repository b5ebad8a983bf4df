/* walk.c - turns the paths on the command line into the list of files to
 * check: folders are walked in sorted order, skipping hidden entries,
 * node_modules, ignored paths, files of no known type and the lock files
 * of open Word documents. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

#define MAX_DEPTH 128

typedef struct visit {
    dev_t dev;
    ino_t ino;
} visit;

static int add_path(file_list *fl, const char *path)
{
    if (fl->n == fl->cap) {
        size_t cap = fl->cap ? fl->cap * 2 : 64;
        char **p = realloc(fl->paths, cap * sizeof *p);
        if (!p)
            return -1;
        fl->paths = p;
        fl->cap = cap;
    }
    char *s = strdup(path);
    if (!s)
        return -1;
    fl->paths[fl->n++] = s;
    return 0;
}

/* A folder's entry: its name and type (DT_REG, DT_DIR, DT_LNK,
 * DT_UNKNOWN...). */
typedef struct entry {
    char *name;
    unsigned char type;
} entry;

static int cmp_name(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->name, ((const entry *)b)->name);
}

/* Walks the folder DIR, DEPTH folders below the one named: STACK holds the
 * folders above it, which a link inside it must not lead back to. */
static int walk(const char *dir, const hmmm_config *cfg, file_list *fl, visit *stack, int depth)
{
    if (depth >= MAX_DEPTH) {
        errorf("%s: folders nested too deeply; not walked further", dir);
        fl->errors++;
        return 0;
    }
    DIR *d = opendir(dir);
    if (!d) {
        errorf("%s: cannot open folder: %s", dir, strerror(errno));
        fl->errors++;
        return 0;
    }
    struct stat st;
    if (fstat(dirfd(d), &st) == 0) {
        for (int k = 0; k < depth; k++)
            if (stack[k].dev == st.st_dev && stack[k].ino == st.st_ino) {
                notef("%s: a link back into a folder above it; not walked again", dir);
                closedir(d);
                return 0;
            }
        stack[depth] = (visit){st.st_dev, st.st_ino};
    } else {
        stack[depth] = (visit){0, 0};
    }
    entry *names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || !strcmp(e->d_name, "node_modules"))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            entry *nn = realloc(names, cap * sizeof *nn);
            if (!nn) {
                rc = -1;
                break;
            }
            names = nn;
        }
        if (!(names[n].name = strdup(e->d_name))) {
            rc = -1;
            break;
        }
        names[n++].type = e->d_type;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_name);
    size_t dl = strlen(dir);
    int slash = dl && dir[dl - 1] == '/';
    for (size_t i = 0; i < n && rc == 0; i++) {
        size_t len = dl + 1 + strlen(names[i].name) + 1;
        char *full = malloc(len);
        if (!full) {
            rc = -1;
            break;
        }
        snprintf(full, len, "%s%s%s", dir, slash ? "" : "/", names[i].name);
        /* The folder says what a plain file or folder is; a link, or an
         * entry the file system does not type, is looked up. */
        int is_dir = names[i].type == DT_DIR, is_file = names[i].type == DT_REG;
        if (!is_dir && !is_file && stat(full, &st) == 0) {
            is_dir = S_ISDIR(st.st_mode);
            is_file = S_ISREG(st.st_mode);
        }
        /* (Neither: a dangling link or a file that went away, or
         * something else; nothing to check.) */
        if (is_dir) {
            if (!hmmm_config_ignores(cfg, full))
                rc = walk(full, cfg, fl, stack, depth + 1);
        } else if (is_file && hmmm_doctype_for_path(full) >= 0 &&
                   strncmp(names[i].name, "~$", 2) != 0 && !hmmm_config_ignores(cfg, full)) {
            /* (~$draft.docx is the lock file Word keeps beside an open
             * document, not a document.) */
            rc = add_path(fl, full);
        }
        free(full);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i].name);
    free(names);
    return rc;
}

int collect_files(const options *o, const hmmm_config *cfg, file_list *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < o->n_args; i++) {
        const char *p = o->args[i];
        struct stat st;
        if (!strcmp(p, "-")) {
            if (add_path(out, p) < 0)
                return -1;
        } else if (stat(p, &st) != 0) {
            errorf("%s: %s", p, strerror(errno));
            out->errors++;
        } else if (S_ISDIR(st.st_mode)) {
            visit stack[MAX_DEPTH + 1];
            if (walk(p, cfg, out, stack, 0) < 0)
                return -1;
        } else if (add_path(out, p) < 0) {
            return -1;
        }
    }
    return 0;
}

void file_list_free(file_list *fl)
{
    for (size_t i = 0; i < fl->n; i++)
        free(fl->paths[i]);
    free(fl->paths);
    memset(fl, 0, sizeof *fl);
}
