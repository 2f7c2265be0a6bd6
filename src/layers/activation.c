/* ReLU, sigmoid and tanh, element by element. */
#include <math.h>

#include "cnn/layers.h"
#include "layers/check.h"
#include "layers/threads.h"
#include "runtime/context.h"
#include "runtime/error.h"
#include "runtime/parallel.h"

static cnn_status check_activation(const char *fn, cnn_activation act) {
  if (act != CNN_ACT_RELU && act != CNN_ACT_SIGMOID && act != CNN_ACT_TANH)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "%s: act %d is not CNN_ACT_RELU, CNN_ACT_SIGMOID or CNN_ACT_TANH",
                     fn, (int)act);
  return CNN_STATUS_OK;
}

static inline float activate(cnn_activation act, float x) {
  switch (act) {
  case CNN_ACT_RELU: return cnn_f32_relu(x); /* (the kernel runs instead) */
  case CNN_ACT_SIGMOID: return 1.0f / (1.0f + expf(-x)); /* exp overflow gives 0 */
  case CNN_ACT_TANH: return tanhf(x);
  }
  return x;
}

/* The derivative written with the forward output y. */
static inline float derivative(cnn_activation act, float y) {
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
  const float *in = x->data;
  float *out = y->data;
  /* ReLU runs on the table's kernel in one block per thread. */
  if (act == CNN_ACT_RELU) {
    const cnn_f32_relu_ukernel_fn relu = ctx->kernels->relu;
    CNN_OMP(parallel num_threads(cnn_layer_threads(ctx, count))) {
      size_t first, end;
      cnn_thread_share(count, &first, &end);
      relu(end - first, in + first, out + first);
    }
  } else {
    CNN_OMP(parallel for num_threads(cnn_layer_threads(ctx, count)) schedule(static))
    for (size_t i = 0; i < count; i++) out[i] = activate(act, in[i]);
  }
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
  const float *out = y->data, *grad = dy->data;
  float *in_grad = dx->data;
  if (act == CNN_ACT_RELU) {
    const cnn_f32_relu_bwd_ukernel_fn relu_bwd = ctx->kernels->relu_bwd;
    CNN_OMP(parallel num_threads(cnn_layer_threads(ctx, count))) {
      size_t first, end;
      cnn_thread_share(count, &first, &end);
      relu_bwd(end - first, out + first, grad + first, in_grad + first);
    }
  } else {
    CNN_OMP(parallel for num_threads(cnn_layer_threads(ctx, count)) schedule(static))
    for (size_t i = 0; i < count; i++) in_grad[i] = grad[i] * derivative(act, out[i]);
  }
  return CNN_STATUS_OK;
}
