/* Internal: the forward pass of the direct path on tiles vectorised over
 * output channels (conv_direct_k in kernels/ukernels.h). It wastes no lane
 * on narrow outputs, where the position-vectorised tiles of
 * conv/conv_direct.h compute and discard the columns past the output
 * width; it pays for that with a transpose of every tile into NCHW. */
#ifndef CNN_CONV_CONV_DIRECT_K_H
#define CNN_CONV_CONV_DIRECT_K_H

#include "conv/conv.h"

/* Nonzero when the channel-vector tiles suit p's forward pass, or the
 * backward-data pass of p (conv/conv_direct.c asks it first), on the
 * context's kernels. */
int cnn_conv_direct_k_forward_suits(const cnn_context *ctx, const struct cnn_conv_problem *p);
int cnn_conv_direct_k_backward_data_suits(const cnn_context *ctx,
                                          const struct cnn_conv_problem *p);

cnn_status cnn_conv_direct_k_forward(cnn_context *ctx, const struct cnn_conv_problem *p,
                                     const float *x, const float *w, const float *bias,
                                     int relu, float *y);
/* Backward-data at stride 1 (pad <= filter size - 1) as the forward pass
 * of the transposed problem: dy's K channels padded by R-1-pad, correlated
 * with the flipped filters into dx's C channels. */
cnn_status cnn_conv_direct_k_backward_data(cnn_context *ctx, const struct cnn_conv_problem *p,
                                           const float *dy, const float *w, float *dx);

#endif
