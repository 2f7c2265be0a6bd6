/* Affine (fully connected): y[N,O] = x[N,D] w[O,D]^T + b[O], through the
 * GEMM driver. */
#include "cnn/layers.h"
#include "gemm/gemm.h"
#include "layers/check.h"
#include "runtime/context.h"
#include "runtime/error.h"

/* The shared checks: ctx, x, weight (O, D, 1, 1) with D = x's c*h*w. */
static cnn_status affine_sizes(const char *fn, const cnn_context *ctx,
                               const cnn_tensor *x, const cnn_tensor *weight,
                               size_t *d) {
  CNN_TRY(cnn_check_pointer(fn, "ctx", ctx));
  CNN_TRY(cnn_check_tensor(fn, "x", x));
  CNN_TRY(cnn_check_tensor(fn, "weight", weight));
  *d = (size_t)x->c * x->h * x->w;
  if ((size_t)weight->c != *d || weight->h != 1 || weight->w != 1)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "%s: weight has shape (%d,%d,%d,%d), expected (%d,%zu,1,1) for x "
                     "of shape (%d,%d,%d,%d)",
                     fn, weight->n, weight->c, weight->h, weight->w, weight->n, *d,
                     x->n, x->c, x->h, x->w);
  return CNN_STATUS_OK;
}

static size_t round_up(size_t x, size_t multiple) {
  return (x + multiple - 1) / multiple * multiple;
}

/* y[N,O] = x w^T. The GEMM computes C in tiles of MR rows by NR columns;
 * outputs that end in a narrow partial column of tiles cost a whole tile
 * per MR images. When computing those last outputs transposed, as the
 * rows of w x^T (images along the tiles' NR side), pads at most 3/4 as
 * much, they go through scratch memory that way and are copied into y.
 * Each output is the same products summed in the same order either way,
 * so y has the same bits. */
static cnn_status affine_gemm(cnn_context *ctx, const float *x, const float *w, size_t n,
                              size_t outputs, size_t d, float *y) {
  const size_t mr = (size_t)ctx->kernels->gemm_mr, nr = (size_t)ctx->kernels->gemm_nr;
  const size_t edge = outputs % nr, full = outputs - edge;
  const size_t as_columns = round_up(n, mr) * nr;
  const size_t as_rows = round_up(edge, mr) * round_up(n, nr);
  if (edge == 0 || as_rows * 4 > as_columns * 3) {
    cnn_sgemm(ctx, 0, 1, n, outputs, d, 1.0f, x, d, w, d, 0.0f, y, outputs);
    return CNN_STATUS_OK;
  }
  float *rows = cnn_context_scratch(ctx, edge * n * sizeof(float));
  if (!rows) return CNN_STATUS_OUT_OF_MEMORY;
  if (full) cnn_sgemm(ctx, 0, 1, n, full, d, 1.0f, x, d, w, d, 0.0f, y, outputs);
  cnn_sgemm(ctx, 0, 1, edge, n, d, 1.0f, w + full * d, d, x, d, 0.0f, rows, n);
  for (size_t i = 0; i < n; i++)
    for (size_t o = 0; o < edge; o++) y[i * outputs + full + o] = rows[o * n + i];
  return CNN_STATUS_OK;
}

cnn_status cnn_affine_forward(cnn_context *ctx, const cnn_tensor *x,
                              const cnn_tensor *weight, const cnn_tensor *bias,
                              cnn_tensor *y) {
  static const char fn[] = "affine_forward";
  size_t d;
  CNN_TRY(affine_sizes(fn, ctx, x, weight, &d));
  const int outputs = weight->n;
  if (bias) CNN_TRY(cnn_check_shape(fn, "bias", bias, outputs, 1, 1, 1));
  CNN_TRY(cnn_check_shape(fn, "y", y, x->n, outputs, 1, 1));
  CNN_TRY(affine_gemm(ctx, x->data, weight->data, (size_t)x->n, (size_t)outputs, d,
                      y->data));
  for (int i = 0; bias && i < x->n; i++)
    for (int o = 0; o < outputs; o++) y->data[(size_t)i * outputs + o] += bias->data[o];
  return CNN_STATUS_OK;
}

cnn_status cnn_affine_backward(cnn_context *ctx, const cnn_tensor *x,
                               const cnn_tensor *weight, const cnn_tensor *dy,
                               cnn_tensor *dx, cnn_tensor *dweight,
                               cnn_tensor *dbias) {
  static const char fn[] = "affine_backward";
  size_t d;
  CNN_TRY(affine_sizes(fn, ctx, x, weight, &d));
  const int outputs = weight->n;
  CNN_TRY(cnn_check_shape(fn, "dy", dy, x->n, outputs, 1, 1));
  if (dx) CNN_TRY(cnn_check_shape(fn, "dx", dx, x->n, x->c, x->h, x->w));
  if (dweight)
    CNN_TRY(cnn_check_shape(fn, "dweight", dweight, outputs, weight->c, 1, 1));
  if (dbias) CNN_TRY(cnn_check_shape(fn, "dbias", dbias, outputs, 1, 1, 1));
  /* dx[N,D] = dy[N,O] w[O,D]; dw[O,D] = dy^T x */
  if (dx)
    cnn_sgemm(ctx, 0, 0, (size_t)x->n, d, (size_t)outputs, 1.0f, dy->data,
              (size_t)outputs, weight->data, d, 0.0f, dx->data, d);
  if (dweight)
    cnn_sgemm(ctx, 1, 0, (size_t)outputs, d, (size_t)x->n, 1.0f, dy->data,
              (size_t)outputs, x->data, d, 0.0f, dweight->data, d);
  for (int o = 0; dbias && o < outputs; o++) {
    float sum = 0.0f;
    for (int i = 0; i < x->n; i++) sum += dy->data[(size_t)i * outputs + o];
    dbias->data[o] = sum;
  }
  return CNN_STATUS_OK;
}
