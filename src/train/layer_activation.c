/* relu, sigmoid, tanh: cnn_activation_forward/backward, shape-preserving. */
#include "train/layer.h"

struct activation_layer {
  struct cnn_layer base;
  cnn_activation act;
};

static cnn_status activation_create(cnn_activation act, struct cnn_shape in,
                                    struct cnn_layer **out) {
  struct activation_layer *a =
      (struct activation_layer *)cnn_layer_alloc(sizeof *a);
  if (!a) return CNN_STATUS_OUT_OF_MEMORY;
  a->act = act;
  a->base.out = in;
  *out = &a->base;
  return CNN_STATUS_OK;
}

#define ACTIVATION_CREATE(name, act)                                          \
  static cnn_status name##_create(const struct cnn_layer_spec *spec,          \
                                  struct cnn_shape in, struct cnn_layer **out, \
                                  char *why, size_t why_size) {               \
    (void)spec, (void)why, (void)why_size;                                    \
    return activation_create(act, in, out);                                   \
  }
ACTIVATION_CREATE(relu, CNN_ACT_RELU)
ACTIVATION_CREATE(sigmoid, CNN_ACT_SIGMOID)
ACTIVATION_CREATE(tanh, CNN_ACT_TANH)

static cnn_status activation_forward(const struct cnn_layer *l, cnn_context *ctx,
                                     const cnn_tensor *x, cnn_tensor *y) {
  return cnn_activation_forward(ctx, ((const struct activation_layer *)l)->act, x, y);
}

static cnn_status activation_backward(const struct cnn_layer *l, cnn_context *ctx,
                                      const cnn_tensor *x, const cnn_tensor *y,
                                      const cnn_tensor *dy, cnn_tensor *dx,
                                      cnn_tensor *grads) {
  (void)x, (void)grads;
  if (!dx) return CNN_STATUS_OK; /* no parameters: nothing else to compute */
  return cnn_activation_backward(ctx, ((const struct activation_layer *)l)->act, y,
                                 dy, dx);
}

#define ACTIVATION_OPS(name)                                                  \
  const struct cnn_layer_ops cnn_##name##_layer_ops = {                       \
      .keyword = #name,                                                       \
      .create = name##_create,                                                \
      .forward = activation_forward,                                          \
      .backward = activation_backward,                                        \
  };
ACTIVATION_OPS(relu)
ACTIVATION_OPS(sigmoid)
ACTIVATION_OPS(tanh)
