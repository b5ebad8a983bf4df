/* util.c - memory, buffers, arenas, diagnostics and file reading. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* The allocation hook counts each thread's allocations on its own. */
static _Thread_local size_t alloc_count;
static _Thread_local size_t alloc_fail_at;

/* Blocks at least this big (a document's prose, its map) are worth backing
 * with huge pages: faulting in many small pages costs more than filling
 * them. The advice is a hint; where the kernel does not take it, nothing
 * changes. */
#define HUGE_FROM ((size_t)4 << 20)

static void *advise(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
    static long page;
    if (!p || n < HUGE_FROM)
        return p;
    /* Threads may race to fill it in; they all write the same value. */
    if (!__atomic_load_n(&page, __ATOMIC_RELAXED))
        __atomic_store_n(&page, sysconf(_SC_PAGESIZE), __ATOMIC_RELAXED);
    long size = __atomic_load_n(&page, __ATOMIC_RELAXED);
    if (size <= 0)
        return p;
    uintptr_t mask = (uintptr_t)size - 1;
    uintptr_t from = ((uintptr_t)p + mask) & ~mask, to = ((uintptr_t)p + n) & ~mask;
    if (to > from)
        (void)madvise((void *)from, to - from, MADV_HUGEPAGE);
#else
    (void)n;
#endif
    return p;
}

size_t hm_alloc_fail_at(size_t n)
{
    size_t made = alloc_count;
    alloc_count = 0;
    alloc_fail_at = n;
    return made;
}

static int alloc_should_fail(void)
{
    alloc_count++;
    return alloc_fail_at != 0 && alloc_count == alloc_fail_at;
}

void *hm_malloc(size_t n)
{
    if (alloc_should_fail())
        return NULL;
    return advise(malloc(n ? n : 1), n);
}

void *hm_calloc(size_t n, size_t size)
{
    if (alloc_should_fail())
        return NULL;
    return advise(calloc(n ? n : 1, size ? size : 1),
                  n && size && n <= SIZE_MAX / size ? n * size : 0);
}

void *hm_realloc(void *p, size_t n)
{
    if (alloc_should_fail())
        return NULL;
    return advise(realloc(p, n ? n : 1), n);
}

void hm_free(void *p)
{
    free(p);
}

int hm_grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    if (c > SIZE_MAX / size)
        return -1;
    void *q = hm_realloc(*p, c * size);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

void hmmm_free(void *p)
{
    hm_free(p);
}

char *hm_strndup(const char *s, size_t n)
{
    char *d = hm_malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

char *hm_strdup(const char *s)
{
    return hm_strndup(s, strlen(s));
}

int hm_strcaseeq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x + 32);
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y + 32);
        if (x != y)
            return 0;
    }
    return *a == *b;
}

/* ---- buffers ----------------------------------------------------------- */

int hm_buf_grow(hm_buf *b, size_t extra)
{
    if (b->data && b->cap - b->len > extra)
        return 0;
    if (extra > SIZE_MAX / 2 - b->len)
        return -1;
    size_t cap = b->cap ? b->cap : 64;
    while (cap - b->len <= extra)
        cap *= 2;
    char *d = hm_realloc(b->data, cap);
    if (!d)
        return -1;
    if (!b->data)
        d[0] = '\0';
    b->data = d;
    b->cap = cap;
    return 0;
}

int hm_buf_add(hm_buf *b, const char *s, size_t n)
{
    if (hm_buf_grow(b, n) < 0)
        return -1;
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int hm_buf_adds(hm_buf *b, const char *s)
{
    return hm_buf_add(b, s, strlen(s));
}

int hm_buf_addc(hm_buf *b, char c)
{
    return hm_buf_add(b, &c, 1);
}

int hm_buf_printf(hm_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || hm_buf_grow(b, (size_t)n) < 0)
        return -1;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

void hm_buf_free(hm_buf *b)
{
    hm_free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char *hm_buf_take(hm_buf *b)
{
    if (!b->data && hm_buf_grow(b, 0) < 0)
        return NULL;
    char *s = b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    return s;
}

/* ---- arenas ------------------------------------------------------------ */

struct hm_arena_block {
    hm_arena_block *next;
    size_t used, size;
    max_align_t data[];
};

#define ARENA_BLOCK 16384

void *hm_arena_alloc(hm_arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    hm_arena_block *b = a->head;
    if (!b || b->size - b->used < n) {
        size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        b = hm_malloc(sizeof *b + size);
        if (!b)
            return NULL;
        b->size = size;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    return p;
}

char *hm_arena_strndup(hm_arena *a, const char *s, size_t n)
{
    char *d = hm_arena_alloc(a, n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

char *hm_arena_strdup(hm_arena *a, const char *s)
{
    return hm_arena_strndup(a, s, strlen(s));
}

void hm_arena_free(hm_arena *a)
{
    hm_arena_block *b = a->head;
    while (b) {
        hm_arena_block *next = b->next;
        hm_free(b);
        b = next;
    }
    a->head = NULL;
}

/* ---- sets of strings --------------------------------------------------- */

/* FNV-1a, 64 bits. */
static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211u;
    }
    return h;
}

const char *hm_strset_add(hm_strset *set, hm_arena *a, const char *s, size_t n)
{
    if (set->n + 1 > set->cap / 2) { /* at most half full */
        size_t cap = set->cap ? set->cap * 2 : 64;
        hm_strset_slot *slots = hm_calloc(cap, sizeof *slots);
        if (!slots)
            return NULL;
        for (size_t i = 0; i < set->cap; i++) {
            if (!set->slots[i].s)
                continue;
            size_t k = set->slots[i].hash & (cap - 1);
            while (slots[k].s)
                k = (k + 1) & (cap - 1);
            slots[k] = set->slots[i];
        }
        hm_free(set->slots);
        set->slots = slots;
        set->cap = cap;
    }
    uint64_t h = hash_bytes(s, n);
    size_t k = h & (set->cap - 1);
    for (; set->slots[k].s; k = (k + 1) & (set->cap - 1))
        if (set->slots[k].hash == h && set->slots[k].len == n && !memcmp(set->slots[k].s, s, n))
            return set->slots[k].s;
    char *copy = hm_arena_strndup(a, s, n);
    if (!copy)
        return NULL;
    set->slots[k] = (hm_strset_slot){copy, n, h};
    set->n++;
    return copy;
}

void hm_strset_free(hm_strset *set)
{
    hm_free(set->slots);
    memset(set, 0, sizeof *set);
}

/* ---- vectors ----------------------------------------------------------- */

int hm_vec_push(hm_vec *v, void *item)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 16;
        void **items = hm_realloc(v->items, cap * sizeof *items);
        if (!items)
            return -1;
        v->items = items;
        v->cap = cap;
    }
    v->items[v->n++] = item;
    return 0;
}

void hm_vec_free(hm_vec *v)
{
    hm_free(v->items);
    v->items = NULL;
    v->n = v->cap = 0;
}

/* ---- diagnostics ------------------------------------------------------- */

struct hmmm_diags {
    hm_arena arena;
    hm_vec list; /* hmmm_diag * */
    size_t lost; /* messages that could not be kept for want of memory */
};

hmmm_diags *hmmm_diags_new(void)
{
    return hm_calloc(1, sizeof(hmmm_diags));
}

void hmmm_diags_free(hmmm_diags *d)
{
    if (!d)
        return;
    hm_arena_free(&d->arena);
    hm_vec_free(&d->list);
    hm_free(d);
}

size_t hmmm_diags_count(const hmmm_diags *d)
{
    return d ? d->list.n : 0;
}

const hmmm_diag *hmmm_diags_get(const hmmm_diags *d, size_t i)
{
    return d && i < d->list.n ? d->list.items[i] : NULL;
}

size_t hmmm_diags_lost(const hmmm_diags *d)
{
    return d ? d->lost : 0;
}

hmmm_status hm_vdiag(hmmm_diags *d, const char *file, unsigned line, unsigned column,
                     const char *fmt, va_list ap)
{
    if (!d)
        return HMMM_EINVAL;
    hm_buf msg = {0};
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0 || hm_buf_grow(&msg, (size_t)n) < 0) {
        d->lost++;
        return HMMM_ENOMEM;
    }
    vsnprintf(msg.data, (size_t)n + 1, fmt, ap);
    msg.len = (size_t)n;

    hmmm_diag *dg = hm_arena_alloc(&d->arena, sizeof *dg);
    char *f = dg ? hm_arena_strdup(&d->arena, file ? file : "") : NULL;
    char *m = f ? hm_arena_strndup(&d->arena, msg.data, msg.len) : NULL;
    hm_buf_free(&msg);
    if (!m || hm_vec_push(&d->list, dg) < 0) {
        d->lost++;
        return HMMM_ENOMEM;
    }
    dg->file = f;
    dg->line = line;
    dg->column = line ? column : 0;
    dg->message = m;
    return HMMM_EINVAL;
}

hmmm_status hm_diag(hmmm_diags *d, const char *file, unsigned line, unsigned column,
                    const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    hmmm_status st = hm_vdiag(d, file, line, column, fmt, ap);
    va_end(ap);
    return st;
}

/* ---- files ------------------------------------------------------------- */

int hm_read_file(const char *path, char **data, size_t *len)
{
    return hm_read_file_max(path, SIZE_MAX - 1, data, len);
}

int hm_read_file_max(const char *path, size_t max, char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno;
    struct stat st;
    if (fstat(fileno(f), &st) != 0)
        st.st_size = 0;
    else if (S_ISDIR(st.st_mode)) {
        fclose(f);
        return EISDIR;
    }
    if (st.st_size > 0 && (uintmax_t)st.st_size > max) {
        fclose(f);
        return EFBIG;
    }
    hm_buf b = {0};
    size_t want = st.st_size > 0 ? (size_t)st.st_size + 1 : 65536;
    for (;;) {
        if (hm_buf_grow(&b, want) < 0) {
            hm_buf_free(&b);
            fclose(f);
            return ENOMEM;
        }
        size_t got = fread(b.data + b.len, 1, b.cap - b.len - 1, f);
        b.len += got;
        b.data[b.len] = '\0';
        if (b.len > max) { /* a pipe, or a file that grew */
            hm_buf_free(&b);
            fclose(f);
            return EFBIG;
        }
        if (got == 0) {
            if (ferror(f)) {
                int e = errno ? errno : EIO;
                hm_buf_free(&b);
                fclose(f);
                return e;
            }
            break;
        }
        want = 65536;
    }
    fclose(f);
    if (hm_buf_grow(&b, 0) < 0) {
        hm_buf_free(&b);
        return ENOMEM;
    }
    *len = b.len;
    *data = b.data;
    return 0;
}

const char *hmmm_version(void)
{
    return HMMM_VERSION;
}
