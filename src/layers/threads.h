/* Internal: how many threads a simple layer loop gets. Below a few tens of
 * thousands of values, starting threads costs more than it saves. */
#ifndef CNN_LAYERS_THREADS_H
#define CNN_LAYERS_THREADS_H

#include <stddef.h>

#include "runtime/context.h"

#define CNN_LAYER_PARALLEL_MIN_WORK ((size_t)1 << 15)

static inline int cnn_layer_threads(const cnn_context *ctx, size_t work) {
  return work < CNN_LAYER_PARALLEL_MIN_WORK ? 1 : ctx->num_threads;
}

#endif
