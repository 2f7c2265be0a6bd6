/* fc N: cnn_affine_forward/backward over the flattened input, with a bias. */
#include "train/layer.h"

static cnn_status fc_create(const struct cnn_layer_spec *spec, struct cnn_shape in,
                            struct cnn_layer **out, char *why, size_t why_size) {
  (void)why;
  (void)why_size;
  struct cnn_layer *l = cnn_layer_alloc(sizeof *l);
  if (!l) return CNN_STATUS_OUT_OF_MEMORY;
  int inputs = in.c * in.h * in.w;
  l->out = (struct cnn_shape){spec->count, 1, 1};
  l->num_params = 2;
  l->decls[0] = (struct cnn_param_decl){"weight", spec->count, inputs, 1, 1,
                                        inputs, spec->count, 1};
  l->decls[1] = (struct cnn_param_decl){"bias", spec->count, 1, 1, 1, 0, 0, 0};
  *out = l;
  return CNN_STATUS_OK;
}

static cnn_status fc_forward(const struct cnn_layer *l, cnn_context *ctx,
                             const cnn_tensor *x, cnn_tensor *y) {
  return cnn_affine_forward(ctx, x, &l->params[0], &l->params[1], y);
}

static cnn_status fc_backward(const struct cnn_layer *l, cnn_context *ctx,
                              const cnn_tensor *x, const cnn_tensor *y,
                              const cnn_tensor *dy, cnn_tensor *dx, cnn_tensor *grads) {
  (void)y;
  return cnn_affine_backward(ctx, x, &l->params[0], dy, dx, &grads[0], &grads[1]);
}

const struct cnn_layer_ops cnn_fc_layer_ops = {
    .keyword = "fc",
    .takes = CNN_LAYER_TAKES_COUNT | CNN_LAYER_TAKES_INIT,
    .create = fc_create,
    .forward = fc_forward,
    .backward = fc_backward,
};
