/* A malloc that fails once, on purpose, for fault-injection tests.
 *
 * Preloaded into a run of hmmm (LD_PRELOAD), it counts every allocation
 * the process makes, in hmmm and in every library it uses (libc, libyaml,
 * PCRE2, md4c, jansson), and makes number FAILMALLOC_NTH return NULL. At
 * exit it frees what libc keeps for itself and counts the blocks still
 * live: with FAILMALLOC_LEAKS=1 a leak ends the run with status 99 and a
 * line on stderr. FAILMALLOC_COUNT=FILE writes the number of allocations
 * made, so a driver knows how many runs to make. FAILMALLOC_SAY=1 names
 * the code whose allocation fails, as FILE+OFFSET for addr2line.
 *
 * It forwards to glibc's own allocator (__libc_malloc and friends), so it
 * needs glibc, and it keeps its table of live blocks in memory it maps
 * itself. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);
extern void __libc_freeres(void);

#define SLOTS (1u << 15) /* live blocks tracked at once (few are live in a check) */
#define TOMB ((uintptr_t)1)

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uintptr_t *live;   /* open addressing, pointers as keys */
static uintptr_t *whence; /* beside each, the code that asked for it */
static size_t n_live;
static unsigned long count, fail_at;
static int track;

static size_t slot_of(uintptr_t p)
{
    return (size_t)((p >> 4) * 0x9E3779B97F4A7C15ull >> 49) & (SLOTS - 1);
}

static void remember(void *p, void *caller)
{
    if (!live || !p)
        return;
    if (n_live >= SLOTS / 4 * 3) { /* too many to track: give up on leaks */
        static const char full[] = "failmalloc: too many live blocks; leaks not checked\n";
        if (write(2, full, sizeof full - 1) < 0)
            (void)0;
        live = NULL;
        return;
    }
    size_t i = slot_of((uintptr_t)p);
    while (live[i] > TOMB)
        i = (i + 1) & (SLOTS - 1);
    live[i] = (uintptr_t)p;
    whence[i] = (uintptr_t)caller;
    n_live++;
}

static void forget(void *p)
{
    if (!live || !p)
        return;
    size_t probes = 0;
    for (size_t i = slot_of((uintptr_t)p); live[i] && probes++ < SLOTS; i = (i + 1) & (SLOTS - 1))
        if (live[i] == (uintptr_t)p) {
            live[i] = TOMB;
            n_live--;
            return;
        }
}

static int say; /* FAILMALLOC_SAY=1: name the code whose allocation fails */

static void name_caller(const char *what, void *caller)
{
    Dl_info d;
    char b[512];
    if (!dladdr(caller, &d) || !d.dli_fname)
        return;
    int len = snprintf(b, sizeof b, "failmalloc: %s %s+0x%lx\n", what, d.dli_fname,
                       (unsigned long)((uintptr_t)caller - 1 - (uintptr_t)d.dli_fbase));
    if (write(2, b, (size_t)len) != len)
        (void)0;
}

/* Counts one allocation; true when this one is to fail. */
static int should_fail(void *caller)
{
    if (++count != fail_at)
        return 0;
    if (say)
        name_caller("failing an allocation for", caller);
    return 1;
}

static void *alloc(size_t n, void *caller)
{
    pthread_mutex_lock(&lock);
    void *p = NULL;
    if (should_fail(caller))
        errno = ENOMEM;
    else
        remember(p = __libc_malloc(n), caller);
    pthread_mutex_unlock(&lock);
    return p;
}

void *malloc(size_t n)
{
    return alloc(n, __builtin_return_address(0));
}

void *calloc(size_t n, size_t size)
{
    pthread_mutex_lock(&lock);
    void *p = NULL;
    if (should_fail(__builtin_return_address(0)))
        errno = ENOMEM;
    else
        remember(p = __libc_calloc(n, size), __builtin_return_address(0));
    pthread_mutex_unlock(&lock);
    return p;
}

void *realloc(void *old, size_t n)
{
    if (!old)
        return alloc(n, __builtin_return_address(0));
    if (n == 0) {
        free(old);
        return NULL;
    }
    pthread_mutex_lock(&lock);
    void *p = NULL;
    if (should_fail(__builtin_return_address(0))) {
        errno = ENOMEM;
    } else if ((p = __libc_realloc(old, n))) {
        forget(old);
        remember(p, __builtin_return_address(0));
    }
    pthread_mutex_unlock(&lock);
    return p;
}

static void *aligned(size_t align, size_t n, void *caller)
{
    pthread_mutex_lock(&lock);
    void *p = NULL;
    if (should_fail(caller))
        errno = ENOMEM;
    else
        remember(p = __libc_memalign(align, n), caller);
    pthread_mutex_unlock(&lock);
    return p;
}

int posix_memalign(void **out, size_t align, size_t n)
{
    void *p = aligned(align, n, __builtin_return_address(0));
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}

void *aligned_alloc(size_t align, size_t n)
{
    return aligned(align, n, __builtin_return_address(0));
}

void *memalign(size_t align, size_t n)
{
    return aligned(align, n, __builtin_return_address(0));
}

void free(void *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&lock);
    forget(p);
    __libc_free(p);
    pthread_mutex_unlock(&lock);
}

__attribute__((constructor)) static void start(void)
{
    const char *nth = getenv("FAILMALLOC_NTH");
    const char *leaks = getenv("FAILMALLOC_LEAKS");
    const char *says = getenv("FAILMALLOC_SAY");
    track = leaks && strcmp(leaks, "1") == 0;
    say = says && strcmp(says, "1") == 0;
    if (track) {
        char *m = mmap(NULL, 2 * SLOTS * sizeof *live, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        pthread_mutex_lock(&lock);
        live = m == MAP_FAILED ? NULL : (uintptr_t *)m;
        whence = m == MAP_FAILED ? NULL : (uintptr_t *)m + SLOTS;
        pthread_mutex_unlock(&lock);
    }
    pthread_mutex_lock(&lock);
    count = 0;
    fail_at = nth ? strtoul(nth, NULL, 10) : 0;
    pthread_mutex_unlock(&lock);
}

/* Preloaded first, so this runs after every other destructor. */
__attribute__((destructor)) static void finish(void)
{
    const char *out = getenv("FAILMALLOC_COUNT");
    if (out) {
        int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            char b[32];
            int len = snprintf(b, sizeof b, "%lu\n", count);
            if (write(fd, b, (size_t)len) != len)
                (void)0;
            close(fd);
        }
    }
    if (!track || !live)
        return;
    __libc_freeres();
    pthread_mutex_lock(&lock);
    size_t left = n_live;
    pthread_mutex_unlock(&lock);
    if (left) {
        char b[512];
        int len = snprintf(b, sizeof b, "failmalloc: %zu blocks leaked\n", left);
        if (write(2, b, (size_t)len) != len)
            (void)0;
        /* Say which code asked for the first few, as FILE+OFFSET for
         * addr2line. */
        for (size_t i = 0, shown = 0; i < SLOTS && shown < 8; i++)
            if (live[i] > TOMB) {
                name_caller("leaked a block from", (void *)whence[i]);
                shown++;
            }
        _exit(99);
    }
}
