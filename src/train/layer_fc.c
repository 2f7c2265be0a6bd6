/* fc N: y = x w^T + b over the flattened input. Its weights are packed for
 * the GEMM once per pass, so the many small products of the micro-batches
 * pack only their own images; the parameter gradients are computed once
 * per step over the whole batch. */
#include <stdint.h>

#include "gemm/gemm.h"
#include "runtime/context.h"
#include "runtime/memory.h"
#include "train/layer.h"

/* One product with the weights, per micro-batch of n images: the forward
 * y = x w^T (n x outputs, depth inputs) or the input gradient dx = dy w
 * (n x inputs, depth outputs). The GEMM computes C in tiles of MR rows by
 * NR columns, so n images as rows pad to MR and as columns to NR: the
 * product runs the way that costs less for the micro-batch size, the
 * weights as the packed B with images as rows, or transposed, the weights
 * as the packed A with images as columns and C copied back. Each value
 * is the same products summed in the same order either way, so the bits
 * do not depend on the way. */
struct weight_product {
  int transposed; /* images as columns */
  float *packed;  /* the weights, packed for that way */
};

struct fc_layer {
  struct cnn_layer base;
  const struct cnn_kernels *packed_for; /* the kernels the packings fit */
  struct weight_product forward, backward;
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
static size_t round_up(size_t x, size_t multiple) {
  return (x + multiple - 1) / multiple * multiple;
}

/* Copying a result back from the transposed way costs about as much per
 * value as this many multiply-adds (measured on the fc layers of simple
 * and lenet5 at micro-batches of 13 and 16: 0.6 ns against 0.02 ns). */
#define TRANSPOSE_COST 32

/* Whether the product of n images by `features` results of depth `depth`
 * costs less transposed, on ctx's tiles: the padded multiply-adds of each
 * way, plus the copy back for the transposed one. */
static int images_as_columns(const cnn_context *ctx, size_t n, size_t features,
                             size_t depth) {
  const size_t mr = (size_t)ctx->kernels->gemm_mr, nr = (size_t)ctx->kernels->gemm_nr;
  const size_t as_rows = round_up(n, mr) * round_up(features, nr) * depth;
  const size_t as_columns =
      round_up(features, mr) * round_up(n, nr) * depth + TRANSPOSE_COST * features * n;
  return as_columns < as_rows;
}

/* Floats of the weights packed for a product of `features` results with
 * depth `depth`, the way chosen. */
static size_t packed_floats(const cnn_context *ctx, int transposed, size_t features,
                            size_t depth) {
  return transposed ? cnn_gemm_packed_a_floats(ctx, features, depth)
                    : cnn_gemm_packed_b_floats(ctx, depth, features);
}

static cnn_status fc_bind(struct cnn_layer *l, const cnn_context *ctx, int micro_batch) {
  struct fc_layer *fc = (struct fc_layer *)l;
  const size_t outputs = outputs_of(l), inputs = inputs_of(l), n = (size_t)micro_batch;
  fc->forward.transposed = images_as_columns(ctx, n, outputs, inputs);
  fc->backward.transposed = images_as_columns(ctx, n, inputs, outputs);
  /* The second packing starts on a cache line, as packing buffers do (the
   * kernels load packed panels aligned). */
  const size_t forward =
      round_up(packed_floats(ctx, fc->forward.transposed, outputs, inputs), 64 / sizeof(float));
  const size_t backward = packed_floats(ctx, fc->backward.transposed, inputs, outputs);
  if (!(l->kept = cnn_alloc(forward + backward, sizeof(float), "packed fc weights")))
    return CNN_STATUS_OUT_OF_MEMORY;
  fc->forward.packed = l->kept;
  fc->backward.packed = l->kept + forward;
  fc->packed_for = ctx->kernels;
  return CNN_STATUS_OK;
}

/* y = x w^T is (w x^T)^T: the weights are B transposed, or A as they are;
 * dx = dy w is (w^T dy^T)^T: B as they are, or A transposed. */
static void fc_prepare(const struct cnn_layer *l, const cnn_context *ctx, int part,
                       int parts) {
  const struct fc_layer *fc = (const struct fc_layer *)l;
  if (ctx->kernels != fc->packed_for) return;
  const size_t outputs = outputs_of(l), inputs = inputs_of(l);
  const float *w = l->params[0].data;
  if (fc->forward.transposed)
    cnn_gemm_pack_a(ctx, 0, outputs, inputs, w, inputs, part, parts, fc->forward.packed);
  else
    cnn_gemm_pack_b(ctx, 1, inputs, outputs, w, inputs, part, parts, fc->forward.packed);
  if (fc->backward.transposed)
    cnn_gemm_pack_a(ctx, 1, inputs, outputs, w, inputs, part, parts, fc->backward.packed);
  else
    cnn_gemm_pack_b(ctx, 0, outputs, inputs, w, inputs, part, parts, fc->backward.packed);
}

/* out (n x features) = in (n x depth) times the weights as op(B) (depth x
 * features; trans_w: w^T), from the packed product's way. */
static cnn_status weight_product(cnn_context *ctx, const struct weight_product *wp,
                                 const float *in, size_t n, size_t depth, const float *w,
                                 int trans_w, size_t features, float *out) {
  const size_t ldw = trans_w ? depth : features;
  if (!wp->transposed) {
    cnn_sgemm_packed(ctx, 0, trans_w, n, features, depth, 1.0f, in, depth, NULL, w, ldw,
                     wp->packed, 0.0f, out, features);
    return CNN_STATUS_OK;
  }
  float *t = cnn_context_scratch(ctx, features * n * sizeof(float));
  if (!t) return CNN_STATUS_OUT_OF_MEMORY;
  cnn_sgemm_packed(ctx, !trans_w, 1, features, n, depth, 1.0f, w, ldw, wp->packed, in, depth,
                   NULL, 0.0f, t, n);
  for (size_t i = 0; i < n; i++)
    for (size_t f = 0; f < features; f++) out[i * features + f] = t[f * n + i];
  return CNN_STATUS_OK;
}

static cnn_status fc_forward(const struct cnn_layer *l, cnn_context *ctx,
                             const cnn_tensor *x, cnn_tensor *y) {
  const struct fc_layer *fc = (const struct fc_layer *)l;
  if (ctx->kernels != fc->packed_for)
    return cnn_affine_forward(ctx, x, &l->params[0], &l->params[1], y);
  const size_t n = (size_t)x->n, outputs = outputs_of(l), inputs = inputs_of(l);
  cnn_status st = weight_product(ctx, &fc->forward, x->data, n, inputs, l->params[0].data,
                                 1, outputs, y->data);
  if (st) return st;
  const float *bias = l->params[1].data;
  for (size_t i = 0; i < n; i++)
    for (size_t o = 0; o < outputs; o++) y->data[i * outputs + o] += bias[o];
  return CNN_STATUS_OK;
}

static cnn_status fc_backward(const struct cnn_layer *l, cnn_context *ctx,
                              const cnn_tensor *x, const cnn_tensor *y,
                              const cnn_tensor *dy, cnn_tensor *dx, cnn_tensor *grads) {
  (void)y;
  const struct fc_layer *fc = (const struct fc_layer *)l;
  if (ctx->kernels != fc->packed_for || grads)
    return cnn_affine_backward(ctx, x, &l->params[0], dy, dx, grads ? &grads[0] : NULL,
                               grads ? &grads[1] : NULL);
  if (!dx) return CNN_STATUS_OK;
  return weight_product(ctx, &fc->backward, dy->data, (size_t)x->n, outputs_of(l),
                        l->params[0].data, 0, inputs_of(l), dx->data);
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
