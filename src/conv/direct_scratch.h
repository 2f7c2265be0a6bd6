/* Internal: carving one scratch block into 64-byte aligned pieces. A pass
 * first adds up its pieces (cnn_scratch_take on a NULL base only counts),
 * gets the block from the context once, then takes them for real. */
#ifndef CNN_CONV_DIRECT_SCRATCH_H
#define CNN_CONV_DIRECT_SCRATCH_H

#include <stddef.h>

struct cnn_scratch {
  char *base; /* NULL while counting */
  size_t used;
};

static inline void *cnn_scratch_take(struct cnn_scratch *s, size_t bytes) {
  void *at = s->base ? s->base + s->used : NULL;
  s->used += (bytes + 63) / 64 * 64;
  return at;
}

#endif
