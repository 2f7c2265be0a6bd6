/* The convolution entry points. Every problem runs on the im2col + GEMM
 * path for now; faster paths slot in here ahead of it. */
#include "conv/conv.h"

#include "conv/conv_im2col.h"

cnn_status cnn_conv_forward(cnn_context *ctx, const struct cnn_conv_problem *p,
                            const float *x, const float *w, const float *bias,
                            float *y) {
  return cnn_conv_im2col_forward(ctx, p, x, w, bias, y);
}

cnn_status cnn_conv_backward_data(cnn_context *ctx, const struct cnn_conv_problem *p,
                                  const float *dy, const float *w, float *dx) {
  return cnn_conv_im2col_backward_data(ctx, p, dy, w, dx);
}

cnn_status cnn_conv_backward_weights(cnn_context *ctx,
                                     const struct cnn_conv_problem *p,
                                     const float *x, const float *dy, float *dw,
                                     float *dbias) {
  return cnn_conv_im2col_backward_weights(ctx, p, x, dy, dw, dbias);
}
