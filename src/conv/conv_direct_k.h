/* Internal: the forward pass of the direct path on tiles vectorised over
 * output channels (conv_direct_k in kernels/ukernels.h). It wastes no lane
 * on narrow outputs, where the position-vectorised tiles of
 * conv/conv_direct.h compute and discard the columns past the output
 * width; it pays for that with a transpose of every tile into NCHW. */
#ifndef CNN_CONV_CONV_DIRECT_K_H
#define CNN_CONV_CONV_DIRECT_K_H

#include "conv/conv.h"

cnn_status cnn_conv_direct_k_forward(cnn_context *ctx, const struct cnn_conv_problem *p,
                                     const float *x, const float *w, const float *bias,
                                     int relu, float *y);

#endif
