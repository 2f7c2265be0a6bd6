/* The convolution entry points: choose an algorithm from the list of
 * conv/conv_algo.h (or the one CNN_CONV_ALGO forces) and run it. */
#include "conv/conv.h"

#include <stdlib.h>

#include "conv/conv_algo.h"

/* The algorithm CNN_CONV_ALGO forces, NULL for auto (also when unset). */
static cnn_status forced_algo(const struct cnn_conv_algo **algo) {
  const char *env = getenv("CNN_CONV_ALGO");
  *algo = NULL;
  return env && *env ? cnn_conv_algo_parse(env, algo) : CNN_STATUS_OK;
}

cnn_status cnn_conv_forward(cnn_context *ctx, const struct cnn_conv_problem *p,
                            const float *x, const float *w, const float *bias,
                            float *y) {
  const struct cnn_conv_algo *algo;
  cnn_status st = forced_algo(&algo);
  return st ? st : cnn_conv_forward_with(ctx, algo, p, x, w, bias, 0, y);
}

cnn_status cnn_conv_forward_relu(cnn_context *ctx, const struct cnn_conv_problem *p,
                                 const float *x, const float *w, const float *bias,
                                 float *y) {
  const struct cnn_conv_algo *algo;
  cnn_status st = forced_algo(&algo);
  return st ? st : cnn_conv_forward_with(ctx, algo, p, x, w, bias, 1, y);
}

cnn_status cnn_conv_backward_data(cnn_context *ctx, const struct cnn_conv_problem *p,
                                  const float *dy, const float *w, float *dx) {
  const struct cnn_conv_algo *algo;
  cnn_status st = forced_algo(&algo);
  return st ? st : cnn_conv_backward_data_with(ctx, algo, p, dy, w, dx);
}

cnn_status cnn_conv_backward_weights(cnn_context *ctx,
                                     const struct cnn_conv_problem *p,
                                     const float *x, const float *dy, float *dw,
                                     float *dbias) {
  const struct cnn_conv_algo *algo;
  cnn_status st = forced_algo(&algo);
  return st ? st : cnn_conv_backward_weights_with(ctx, algo, p, x, dy, dw, dbias);
}
