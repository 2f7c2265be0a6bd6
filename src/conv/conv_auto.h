/* Internal: CNN_CONV_ALGO=auto. The first time a context meets a problem
 * (shape, pass, ISA, thread count), every fast algorithm that accepts it is
 * timed on the caller's own buffers, and the fastest is remembered in the
 * context: later calls run it straight away, so within a run the choice
 * never changes. */
#ifndef CNN_CONV_CONV_AUTO_H
#define CNN_CONV_CONV_AUTO_H

#include "conv/conv_algo.h"

/* One call of a pass on an algorithm, for timing. */
struct cnn_conv_call {
  cnn_conv_pass pass;
  const float *x, *w, *bias, *dy;
  int relu;
  float *y, *dx, *dw, *dbias;
};

/* Runs call on algo. */
cnn_status cnn_conv_call_run(cnn_context *ctx, const struct cnn_conv_algo *algo,
                             const struct cnn_conv_problem *p,
                             const struct cnn_conv_call *call);

/* The remembered choice for p and pass on ctx, or NULL. */
const struct cnn_conv_algo *cnn_conv_auto_cached(const cnn_context *ctx,
                                                 const struct cnn_conv_problem *p,
                                                 cnn_conv_pass pass);

/* Runs call on the remembered algorithm, or times the candidates, keeps
 * the fastest and leaves its result in the outputs. */
cnn_status cnn_conv_auto_run(cnn_context *ctx, const struct cnn_conv_problem *p,
                             const struct cnn_conv_call *call);

#endif
