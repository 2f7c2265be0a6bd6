/* Internal: the direct convolution path (see conv/direct_planes.h and
 * conv/direct_gemm.h): no column matrix, the context's conv_direct and
 * conv_wgrad micro-kernels read the padded, phase-split source in place.
 * Threads split the batch, or the output tiles of each image when the
 * batch is smaller than the team; backward-weights sums per-thread partial
 * gradients in thread order (bit-identical for a given thread count). */
#ifndef CNN_CONV_CONV_DIRECT_H
#define CNN_CONV_CONV_DIRECT_H

#include "conv/conv.h"

/* CNN_STATUS_OK when the path can run p, else CNN_STATUS_UNIMPLEMENTED with
 * the reason in cnn_last_error(). */
cnn_status cnn_conv_direct_check(const struct cnn_conv_problem *p);

cnn_status cnn_conv_direct_forward(cnn_context *ctx, const struct cnn_conv_problem *p,
                                   const float *x, const float *w, const float *bias,
                                   int relu, float *y);
cnn_status cnn_conv_direct_backward_data(cnn_context *ctx,
                                         const struct cnn_conv_problem *p,
                                         const float *dy, const float *w, float *dx);
cnn_status cnn_conv_direct_backward_weights(cnn_context *ctx,
                                            const struct cnn_conv_problem *p,
                                            const float *x, const float *dy,
                                            float *dw, float *dbias);

#endif
