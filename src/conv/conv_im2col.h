/* Internal: convolution as im2col + GEMM. One image at a time, each thread
 * of the batch loop with its own column buffer in the context's scratch
 * memory; a 1x1 filter at stride 1 without padding reads the image as the
 * column matrix directly. Accepts every problem. */
#ifndef CNN_CONV_CONV_IM2COL_H
#define CNN_CONV_CONV_IM2COL_H

#include "conv/conv.h"

cnn_status cnn_conv_im2col_forward(cnn_context *ctx, const struct cnn_conv_problem *p,
                                   const float *x, const float *w, const float *bias,
                                   float *y);
cnn_status cnn_conv_im2col_backward_data(cnn_context *ctx,
                                         const struct cnn_conv_problem *p,
                                         const float *dy, const float *w, float *dx);
cnn_status cnn_conv_im2col_backward_weights(cnn_context *ctx,
                                            const struct cnn_conv_problem *p,
                                            const float *x, const float *dy,
                                            float *dw, float *dbias);

#endif
