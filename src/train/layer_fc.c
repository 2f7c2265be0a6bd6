/* fc N: y = x w^T + b over the flattened input. Its weights are packed for
 * the GEMM once per pass (both ways: w^T for the forward products, w for
 * the input gradient), so the many small products of the micro-batches
 * pack only their own rows; the parameter gradients are computed once per
 * step over the whole batch. */
#include "gemm/gemm.h"
#include "runtime/context.h"
#include "runtime/memory.h"
#include "train/layer.h"

struct fc_layer {
  struct cnn_layer base;
  const struct cnn_kernels *packed_for; /* the kernels kept's layout fits */
  size_t packed_floats;                 /* of each packing in kept */
};

static cnn_status fc_create(const struct cnn_layer_spec *spec, struct cnn_shape in,
                            struct cnn_layer **out, char *why, size_t why_size) {
  (void)why;
  (void)why_size;
  struct fc_layer *fc = (struct fc_layer *)cnn_layer_alloc(sizeof *fc);
  if (!fc) return CNN_STATUS_OUT_OF_MEMORY;
  struct cnn_layer *l = &fc->base;
  int inputs = in.c * in.h * in.w;
  l->out = (struct cnn_shape){spec->count, 1, 1};
  l->num_params = 2;
  l->decls[0] = (struct cnn_param_decl){"weight", spec->count, inputs, 1, 1,
                                        inputs, spec->count, 1};
  l->decls[1] = (struct cnn_param_decl){"bias", spec->count, 1, 1, 1, 0, 0, 0};
  *out = l;
  return CNN_STATUS_OK;
}

static size_t outputs_of(const struct cnn_layer *l) { return (size_t)l->params[0].n; }
static size_t inputs_of(const struct cnn_layer *l) { return (size_t)l->params[0].c; }

/* kept: w^T packed (depth inputs, outputs columns), then w packed (depth
 * outputs, inputs columns); the same size, as both pad to whole tiles. */
static cnn_status fc_bind(struct cnn_layer *l, const cnn_context *ctx) {
  struct fc_layer *fc = (struct fc_layer *)l;
  const size_t for_forward = cnn_gemm_packed_b_floats(ctx, inputs_of(l), outputs_of(l));
  const size_t for_backward = cnn_gemm_packed_b_floats(ctx, outputs_of(l), inputs_of(l));
  fc->packed_floats = for_forward > for_backward ? for_forward : for_backward;
  if (!(l->kept = cnn_alloc(2 * fc->packed_floats, sizeof(float), "packed fc weights")))
    return CNN_STATUS_OUT_OF_MEMORY;
  fc->packed_for = ctx->kernels;
  return CNN_STATUS_OK;
}

static void fc_prepare(const struct cnn_layer *l, const cnn_context *ctx, int part,
                       int parts) {
  const struct fc_layer *fc = (const struct fc_layer *)l;
  if (ctx->kernels != fc->packed_for) return;
  const size_t outputs = outputs_of(l), inputs = inputs_of(l);
  const float *w = l->params[0].data;
  cnn_gemm_pack_b(ctx, 1, inputs, outputs, w, inputs, part, parts, l->kept);
  cnn_gemm_pack_b(ctx, 0, outputs, inputs, w, inputs, part, parts,
                  l->kept + fc->packed_floats);
}

/* The packed weights for passes on ctx, NULL when they were packed for
 * other kernels (then the plain GEMM packs w itself). */
static const float *packed_weights(const struct cnn_layer *l, const cnn_context *ctx,
                                   int for_backward) {
  const struct fc_layer *fc = (const struct fc_layer *)l;
  if (ctx->kernels != fc->packed_for) return NULL;
  return l->kept + (for_backward ? fc->packed_floats : 0);
}

static cnn_status fc_forward(const struct cnn_layer *l, cnn_context *ctx,
                             const cnn_tensor *x, cnn_tensor *y) {
  const float *packed = packed_weights(l, ctx, 0);
  if (!packed) return cnn_affine_forward(ctx, x, &l->params[0], &l->params[1], y);
  const size_t n = (size_t)x->n, outputs = outputs_of(l), inputs = inputs_of(l);
  cnn_sgemm_packed_b(ctx, 0, 1, n, outputs, inputs, 1.0f, x->data, inputs,
                     l->params[0].data, inputs, packed, 0.0f, y->data, outputs);
  const float *bias = l->params[1].data;
  for (size_t i = 0; i < n; i++)
    for (size_t o = 0; o < outputs; o++) y->data[i * outputs + o] += bias[o];
  return CNN_STATUS_OK;
}

static cnn_status fc_backward(const struct cnn_layer *l, cnn_context *ctx,
                              const cnn_tensor *x, const cnn_tensor *y,
                              const cnn_tensor *dy, cnn_tensor *dx, cnn_tensor *grads) {
  (void)y;
  const float *packed = packed_weights(l, ctx, 1);
  if (!packed || grads)
    return cnn_affine_backward(ctx, x, &l->params[0], dy, dx, grads ? &grads[0] : NULL,
                               grads ? &grads[1] : NULL);
  if (!dx) return CNN_STATUS_OK;
  const size_t n = (size_t)x->n, outputs = outputs_of(l), inputs = inputs_of(l);
  cnn_sgemm_packed_b(ctx, 0, 0, n, inputs, outputs, 1.0f, dy->data, outputs,
                     l->params[0].data, inputs, packed, 0.0f, dx->data, inputs);
  return CNN_STATUS_OK;
}

/* dw = dy^T x over the batch, the columns of dw (the inputs) cut into
 * `parts` runs of whole GEMM column tiles: the GEMM computes each value of
 * dw the same way wherever its tile falls. Part 0 also sums db over the
 * images, in image order. */
static cnn_status fc_backward_params(const struct cnn_layer *l, cnn_context *ctx,
                                     const cnn_tensor *x, const cnn_tensor *dy, int part,
                                     int parts) {
  const size_t outputs = outputs_of(l), inputs = inputs_of(l);
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
    .bind = fc_bind,
    .prepare = fc_prepare,
    .forward = fc_forward,
    .backward = fc_backward,
    .backward_params = fc_backward_params,
};
