/* Internal: the direct convolution path (see conv/direct_planes.h and
 * conv/direct_gemm.h): no column matrix; the forward and backward-data
 * micro-kernels read a padded, phase-split copy of the source, the
 * weight-gradient ones the zero-padded image and dy packed channels-last.
 * Threads split the batch, or the output tiles of each image when the
 * batch is smaller than the team; every sum is formed the same way
 * whatever the thread count. */
#ifndef CNN_CONV_CONV_DIRECT_H
#define CNN_CONV_CONV_DIRECT_H

#include "conv/conv.h"

/* CNN_STATUS_OK when the path can run p, else CNN_STATUS_UNIMPLEMENTED with
 * the reason in cnn_last_error(). */
cnn_status cnn_conv_direct_check(const struct cnn_conv_problem *p);

/* Backward-data at stride 1 (pad <= filter size - 1) is a forward pass:
 * dx is the correlation of dy, zero-padded by R-1-pad, with the flipped
 * filters. cnn_conv_direct_transposed(p) is that forward problem, K input
 * channels of OH x OW into C output channels of H x W, whose filters
 * cnn_direct_pack_forward_filters reads flipped from p's. */
int cnn_conv_direct_transposable(const struct cnn_conv_problem *p);
struct cnn_conv_problem cnn_conv_direct_transposed(const struct cnn_conv_problem *p);

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
