/* Allocation helpers that never return NULL, and overflow-checked size arithmetic.
 * Running out of memory for the program's own bookkeeping ends the process (as in git's
 * xmalloc). A size that comes from an untrusted file must use the try_ variants instead: they
 * return NULL with the error slot set ("out of memory allocating N bytes"), so that a hostile
 * input is an error, never an abort (issue 13). */
#ifndef KANALYTIC_XALLOC_H
#define KANALYTIC_XALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t count, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Fallible allocation: NULL with the error slot (util/error.h) set when the memory is not
 * there or count * size overflows. try_realloc leaves p allocated on failure. */
void *try_malloc(size_t n);
void *try_calloc(size_t count, size_t size);
void *try_realloc(void *p, size_t n);
void *try_reallocarray(void *p, size_t count, size_t size);

/* Asks the kernel to back the 2 MiB-aligned interior of a large buffer with transparent huge
 * pages (madvise MADV_HUGEPAGE; a hint, ignored where unsupported). Decoding a column writes
 * tens of megabytes of fresh memory, and faulting it in 4 KiB at a time cost more than the
 * decoding itself (docs/parquet.md, "Memory and I/O"). Does nothing under 4 MiB. */
void xalloc_hint_huge(void *p, size_t n);
/* Faults in the pages of [p, p + n) in one call (MADV_POPULATE_WRITE) rather than one trap per
 * page as they are first written. Only for bytes about to be written: it commits memory.
 * Does nothing under 64 KiB or where unsupported. */
void xalloc_prefault(void *p, size_t n);

/* true when a + b or a * b overflows size_t; *out is set otherwise. */
static inline bool size_add_overflow(size_t a, size_t b, size_t *out)
{
    return __builtin_add_overflow(a, b, out);
}
static inline bool size_mul_overflow(size_t a, size_t b, size_t *out)
{
    return __builtin_mul_overflow(a, b, out);
}

/* Grow an array of `nmemb` items so it holds at least `need`; doubles. */
#define ARRAY_GROW(ptr, need, cap)                                                                 \
    do {                                                                                           \
        if ((need) > (cap)) {                                                                      \
            size_t ag_new_ = (cap) ? (cap)*2 : 8;                                                  \
            while (ag_new_ < (need))                                                               \
                ag_new_ *= 2;                                                                      \
            (ptr) = xreallocarray((ptr), ag_new_, sizeof(*(ptr)));                                 \
            (cap) = ag_new_;                                                                       \
        }                                                                                          \
    } while (0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
