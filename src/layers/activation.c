/* ReLU, sigmoid and tanh, element by element. */
#include <math.h>

#include "cnn/layers.h"
#include "layers/check.h"
#include "layers/threads.h"
#include "runtime/error.h"
#include "runtime/parallel.h"

static cnn_status check_activation(const char *fn, cnn_activation act) {
  if (act != CNN_ACT_RELU && act != CNN_ACT_SIGMOID && act != CNN_ACT_TANH)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "%s: act %d is not CNN_ACT_RELU, CNN_ACT_SIGMOID or CNN_ACT_TANH",
                     fn, (int)act);
  return CNN_STATUS_OK;
}

static float activate(cnn_activation act, float x) {
  switch (act) {
  case CNN_ACT_RELU: return x > 0.0f ? x : 0.0f;
  case CNN_ACT_SIGMOID: return 1.0f / (1.0f + expf(-x)); /* exp overflow gives 0 */
  case CNN_ACT_TANH: return tanhf(x);
  }
  return x;
}

/* The derivative written with the forward output y. */
static float derivative(cnn_activation act, float y) {
  switch (act) {
  case CNN_ACT_RELU: return y > 0.0f ? 1.0f : 0.0f;
  case CNN_ACT_SIGMOID: return y * (1.0f - y);
  case CNN_ACT_TANH: return 1.0f - y * y;
  }
  return 1.0f;
}

cnn_status cnn_activation_forward(cnn_context *ctx, cnn_activation act,
                                  const cnn_tensor *x, cnn_tensor *y) {
  static const char fn[] = "activation_forward";
  CNN_TRY(cnn_check_pointer(fn, "ctx", ctx));
  CNN_TRY(check_activation(fn, act));
  CNN_TRY(cnn_check_tensor(fn, "x", x));
  CNN_TRY(cnn_check_shape(fn, "y", y, x->n, x->c, x->h, x->w));
  const size_t count = cnn_tensor_numel(x);
  CNN_OMP(parallel for num_threads(cnn_layer_threads(ctx, count)) schedule(static))
  for (size_t i = 0; i < count; i++) y->data[i] = activate(act, x->data[i]);
  return CNN_STATUS_OK;
}

cnn_status cnn_activation_backward(cnn_context *ctx, cnn_activation act,
                                   const cnn_tensor *y, const cnn_tensor *dy,
                                   cnn_tensor *dx) {
  static const char fn[] = "activation_backward";
  CNN_TRY(cnn_check_pointer(fn, "ctx", ctx));
  CNN_TRY(check_activation(fn, act));
  CNN_TRY(cnn_check_tensor(fn, "y", y));
  CNN_TRY(cnn_check_shape(fn, "dy", dy, y->n, y->c, y->h, y->w));
  CNN_TRY(cnn_check_shape(fn, "dx", dx, y->n, y->c, y->h, y->w));
  const size_t count = cnn_tensor_numel(y);
  CNN_OMP(parallel for num_threads(cnn_layer_threads(ctx, count)) schedule(static))
  for (size_t i = 0; i < count; i++)
    dx->data[i] = dy->data[i] * derivative(act, y->data[i]);
  return CNN_STATUS_OK;
}
