/* fc N: cnn_affine_forward/backward over the flattened input, with a bias;
 * the parameter gradients once per step over the whole batch. */
#include "gemm/gemm.h"
#include "runtime/context.h"
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
  return cnn_affine_backward(ctx, x, &l->params[0], dy, dx, grads ? &grads[0] : NULL,
                             grads ? &grads[1] : NULL);
}

/* dw = dy^T x over the batch, the columns of dw (the inputs) cut into
 * `parts` runs of whole GEMM column tiles: the GEMM computes each value of
 * dw the same way wherever its tile falls. Part 0 also sums db over the
 * images, in image order. */
static cnn_status fc_backward_params(const struct cnn_layer *l, cnn_context *ctx,
                                     const cnn_tensor *x, const cnn_tensor *dy, int part,
                                     int parts) {
  const size_t outputs = (size_t)l->params[0].n, inputs = (size_t)l->params[0].c;
  const size_t n = (size_t)x->n, nr = (size_t)ctx->kernels->gemm_nr;
  const size_t tiles = (inputs + nr - 1) / nr;
  const size_t first = tiles * (size_t)part / (size_t)parts * nr;
  size_t end = tiles * (size_t)(part + 1) / (size_t)parts * nr;
  if (end > inputs) end = inputs;
  if (first < end)
    cnn_sgemm(ctx, 1, 0, outputs, end - first, n, 1.0f, dy->data, outputs,
              x->data + first, inputs, 0.0f, l->grads[0].data + first, inputs);
  if (part != 0) return CNN_STATUS_OK;
  float *db = l->grads[1].data;
  for (size_t o = 0; o < outputs; o++) db[o] = 0.0f;
  for (size_t i = 0; i < n; i++)
    for (size_t o = 0; o < outputs; o++) db[o] += dy->data[i * outputs + o];
  return CNN_STATUS_OK;
}

const struct cnn_layer_ops cnn_fc_layer_ops = {
    .keyword = "fc",
    .takes = CNN_LAYER_TAKES_COUNT | CNN_LAYER_TAKES_INIT,
    .create = fc_create,
    .forward = fc_forward,
    .backward = fc_backward,
    .backward_params = fc_backward_params,
};
