#include "runtime/memory.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cnn/tensor.h"
#include "runtime/error.h"

static atomic_ullong allocations;

void *cnn_alloc(size_t count, size_t size, const char *what) {
  if (size != 0 && count > (SIZE_MAX - CNN_ALIGNMENT) / size) {
    cnn_error(CNN_STATUS_OUT_OF_MEMORY, "%s: %zu x %zu bytes overflows", what,
              count, size);
    return NULL;
  }
  size_t bytes = count * size;
  bytes = (bytes + CNN_ALIGNMENT - 1) / CNN_ALIGNMENT * CNN_ALIGNMENT;
  if (bytes == 0) bytes = CNN_ALIGNMENT;
  void *p = aligned_alloc(CNN_ALIGNMENT, bytes);
  if (!p) {
    cnn_error(CNN_STATUS_OUT_OF_MEMORY, "%s: cannot allocate %zu bytes", what,
              bytes);
    return NULL;
  }
  atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
  return p;
}

void *cnn_alloc_zeroed(size_t count, size_t size, const char *what) {
  void *p = cnn_alloc(count, size, what);
  if (p) memset(p, 0, count * size);
  return p;
}

void cnn_free(void *p) { free(p); }

unsigned long long cnn_alloc_count(void) {
  return atomic_load_explicit(&allocations, memory_order_relaxed);
}
