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
  /* The convolution algorithms CNN_CONV_ALGO=auto chose for the problems
   * met so far (owned by src/conv/conv_auto.c; freed with the context). */
  void *conv_choices;
  int conv_choice_count, conv_choice_capacity;
};

/* At least bytes of scratch memory; grows (and so allocates) only when a
 * call needs more than any call before it. NULL with an error when out of
 * memory. The contents are undefined and are clobbered by the next call. */
void *cnn_context_scratch(cnn_context *ctx, size_t bytes);

#endif
