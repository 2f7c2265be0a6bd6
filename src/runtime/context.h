/* Internal: the execution context shared by the drivers. */
#ifndef CNN_RUNTIME_CONTEXT_H
#define CNN_RUNTIME_CONTEXT_H

#include "cnn/runtime.h"
#include "kernels/ukernels.h"

struct cnn_context {
  int num_threads;
  cnn_isa isa;
  const struct cnn_kernels *kernels;
  void *scratch; /* 64-byte aligned, reused by every call on this context */
  size_t scratch_bytes;
  /* Single-thread contexts for code that splits its work into one part per
   * thread and runs each part on one thread (cnn_context_workers). */
  struct cnn_context **workers;
  int worker_count;
};

/* At least bytes of scratch memory; grows (and so allocates) only when a
 * call needs more than any call before it. NULL with an error when out of
 * memory. The contents are undefined and are clobbered by the next call. */
void *cnn_context_scratch(cnn_context *ctx, size_t bytes);

/* At least count single-thread contexts on ctx's ISA, for the parts of a
 * job split across threads (part t runs on (*workers)[t]). They belong to
 * ctx (freed with it) and are shared by every caller, so their scratch
 * memory and convolution choices are too. Allocates only when count
 * exceeds every earlier call's. */
cnn_status cnn_context_workers(cnn_context *ctx, int count, cnn_context ***workers);

#endif
