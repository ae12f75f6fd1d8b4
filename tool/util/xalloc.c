/* Allocation helpers: see xalloc.h. */
#include "xalloc.h"

#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static void die_oom(size_t n)
{
    fprintf(stderr, "kanalytic: out of memory (allocating %zu bytes)\n", n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die_oom(n);
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        die_oom(count * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        die_oom(n);
    return q;
}

void *xreallocarray(void *p, size_t count, size_t size)
{
    size_t n;
    if (size_mul_overflow(count, size, &n))
        die_oom(SIZE_MAX);
    return xrealloc(p, n);
}

static void *oom_error(size_t n)
{
    if (n == SIZE_MAX)
        err_set("out of memory: allocation size overflows");
    else
        err_set("out of memory allocating %zu bytes", n);
    return NULL;
}

void *try_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    return p ? p : oom_error(n);
}

void *try_calloc(size_t count, size_t size)
{
    size_t n;
    if (size_mul_overflow(count, size, &n))
        return oom_error(SIZE_MAX);
    void *p = calloc(count ? count : 1, size ? size : 1);
    return p ? p : oom_error(n);
}

void *try_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    return q ? q : oom_error(n);
}

void *try_reallocarray(void *p, size_t count, size_t size)
{
    size_t n;
    if (size_mul_overflow(count, size, &n))
        return oom_error(SIZE_MAX);
    return try_realloc(p, n);
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = xmalloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

/* madvise(advice) on the part of [p, p + n) aligned to `align` (a power of two), when n is at
 * least `min`. A hint: its failure changes nothing. */
static void advise_interior(void *p, size_t n, uintptr_t align, size_t min, int advice)
{
    if (!p || n < min)
        return;
    uintptr_t start = ((uintptr_t)p + align - 1) & ~(align - 1);
    uintptr_t end = ((uintptr_t)p + n) & ~(align - 1);
    if (end > start)
        (void)madvise((void *)start, end - start, advice);
}

void xalloc_hint_huge(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
    advise_interior(p, n, (uintptr_t)2 << 20, (size_t)4 << 20, MADV_HUGEPAGE);
#else
    (void)p;
    (void)n;
#endif
}

void xalloc_prefault(void *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
    advise_interior(p, n, 4096, (size_t)64 << 10, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)n;
#endif
}
