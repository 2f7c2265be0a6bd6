/* Internal: the convolution drivers behind the Conv2d layer.
 * Plain NCHW in and out (filters KCRS); the layer has validated shapes, so
 * the drivers only compute. Gradients are overwritten. Work buffers come
 * from the context's scratch memory.
 *
 * Several algorithms implement every pass (conv/conv_algo.h lists them):
 * the entry points below run the one CNN_CONV_ALGO names (direct_k,
 * direct, im2col, reference) or, by default and with CNN_CONV_ALGO=auto,
 * the first in the list that accepts the problem and suits it (a
 * deterministic rule, from measurements on bench/conv_shapes.csv). An unknown CNN_CONV_ALGO is an
 * error. */
#ifndef CNN_CONV_CONV_H
#define CNN_CONV_CONV_H

#include "cnn/runtime.h"
#include "cnn/status.h"
#include "kernels/ukernels.h" /* struct cnn_conv_problem */

/* y = x (*) w + bias; bias may be NULL. */
cnn_status cnn_conv_forward(cnn_context *ctx, const struct cnn_conv_problem *p,
                            const float *x, const float *w, const float *bias,
                            float *y);
/* y = max(0, x (*) w + bias), the ReLU fused into the epilogue. */
cnn_status cnn_conv_forward_relu(cnn_context *ctx, const struct cnn_conv_problem *p,
                                 const float *x, const float *w, const float *bias,
                                 float *y);
/* dx = dy (*)^T w */
cnn_status cnn_conv_backward_data(cnn_context *ctx, const struct cnn_conv_problem *p,
                                  const float *dy, const float *w, float *dx);
/* dw = sum over the batch of dy x^T; dbias = sum of dy per filter (dbias may
 * be NULL). */
cnn_status cnn_conv_backward_weights(cnn_context *ctx,
                                     const struct cnn_conv_problem *p,
                                     const float *x, const float *dy, float *dw,
                                     float *dbias);

#endif
