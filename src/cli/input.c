/* input.c - reads a document into memory, with a NUL byte after it.
 *
 * A large file is read into memory mapped for it alone, asking the kernel
 * for huge pages and to supply every page before the read: faulting in a
 * large buffer 4 KiB at a time costs more than reading the file. The file
 * itself is not mapped, so a file that changes while it is checked cannot
 * bring hmmm down. */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* Files at least this big get a mapping of their own. */
#define MAP_FROM (1u << 20)

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14; older kernels refuse it, harmlessly */
#endif

/* Reads from FD to the end into IN, whose buffer holds IN->len bytes of
 * room at IN->data (malloc'd, IN->mapped == 0). SIZE is the size of the
 * file when FD is a regular one (else SIZE_MAX): a read that gives less
 * than was asked for and brings the total to it has met the end, and no
 * further read is needed to see that. */
static int read_rest(int fd, input *in, size_t cap, size_t size)
{
    for (;;) {
        if (in->len == cap) {
            size_t grown = cap ? cap * 2 : 65536;
            char *b = realloc(in->data, grown);
            if (!b)
                return ENOMEM;
            in->data = b;
            cap = grown;
        }
        size_t want = cap - in->len;
        ssize_t got = read(fd, in->data + in->len, want);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return errno;
        if (got == 0)
            break;
        in->len += (size_t)got;
        if ((size_t)got < want && in->len == size)
            break;
    }
    /* One byte more, a NUL, as HMMM_CHECK_TERMINATED promises. */
    if (in->len == cap) {
        char *b = realloc(in->data, cap + 1);
        if (!b)
            return ENOMEM;
        in->data = b;
    }
    in->data[in->len] = '\0';
    return 0;
}

/* Reads a regular file of SIZE bytes into its own mapping. Returns 0, an
 * errno, or -1 when no mapping could be made (the caller reads it the
 * ordinary way). */
static int read_mapped(int fd, size_t size, input *in)
{
    size_t map = size + 1; /* one byte more shows whether the file grew */
    char *p = mmap(NULL, map, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return -1;
#ifdef MADV_HUGEPAGE
    (void)madvise(p, map, MADV_HUGEPAGE);
#endif
    (void)madvise(p, map, MADV_POPULATE_WRITE);
    size_t n = 0;
    while (n < map) {
        ssize_t got = read(fd, p + n, map - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            munmap(p, map);
            return e;
        }
        if (got == 0)
            break;
        n += (size_t)got;
        if (n == size) /* less than asked for, and all there was: the end (see read_rest) */
            break;
    }
    if (n < map) {
        p[n] = '\0';
        in->data = p;
        in->len = n;
        in->mapped = map;
        return 0;
    }
    /* The file grew while it was read: go on in an ordinary buffer. */
    in->data = malloc(map * 2);
    if (!in->data) {
        munmap(p, map);
        return ENOMEM;
    }
    memcpy(in->data, p, n);
    munmap(p, map);
    in->len = n;
    return read_rest(fd, in, map * 2, SIZE_MAX);
}

int input_read_path(const char *path, input *in)
{
    memset(in, 0, sizeof *in);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    struct stat st;
    int e = 0;
    if (fstat(fd, &st) < 0) {
        e = errno;
    } else if (S_ISDIR(st.st_mode)) {
        e = EISDIR;
    } else if (S_ISREG(st.st_mode) && st.st_size >= (off_t)MAP_FROM &&
               (uintmax_t)st.st_size < SIZE_MAX / 4 &&
               (e = read_mapped(fd, (size_t)st.st_size, in)) >= 0) {
        /* read, or failed with E */
    } else {
        size_t size = S_ISREG(st.st_mode) && st.st_size > 0 && (uintmax_t)st.st_size < SIZE_MAX / 4
                          ? (size_t)st.st_size
                          : SIZE_MAX;
        size_t cap = size != SIZE_MAX ? size + 1 : 65536;
        in->data = malloc(cap);
        e = in->data ? read_rest(fd, in, cap, size) : ENOMEM;
    }
    close(fd);
    if (e)
        input_free(in);
    return e;
}

int input_read_stdin(input *in)
{
    memset(in, 0, sizeof *in);
    in->data = malloc(65536);
    int e = in->data ? read_rest(0, in, 65536, SIZE_MAX) : ENOMEM;
    if (e)
        input_free(in);
    return e;
}

void input_free(input *in)
{
    if (in->mapped)
        munmap(in->data, in->mapped);
    else
        free(in->data);
    memset(in, 0, sizeof *in);
}
