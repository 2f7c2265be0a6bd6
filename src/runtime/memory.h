/* Internal: the one allocator of the library. Every buffer is 64-byte
 * aligned, and every allocation is counted so that tests can prove that a
 * training step allocates nothing. */
#ifndef CNN_RUNTIME_MEMORY_H
#define CNN_RUNTIME_MEMORY_H

#include <stddef.h>

/* NULL (and a cnn_last_error message naming what) when out of memory or when
 * count * size overflows. Zero bytes are rounded up to one. */
void *cnn_alloc(size_t count, size_t size, const char *what);
void *cnn_alloc_zeroed(size_t count, size_t size, const char *what);
void cnn_free(void *p);

/* Number of successful cnn_alloc calls so far in this process. */
unsigned long long cnn_alloc_count(void);

#endif
