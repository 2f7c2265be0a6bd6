/* Affine (fully connected): y[N,O] = x[N,D] w[O,D]^T + b[O], through the
 * GEMM driver. */
#include "cnn/layers.h"
#include "gemm/gemm.h"
#include "layers/check.h"
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

cnn_status cnn_affine_forward(cnn_context *ctx, const cnn_tensor *x,
                              const cnn_tensor *weight, const cnn_tensor *bias,
                              cnn_tensor *y) {
  static const char fn[] = "affine_forward";
  size_t d;
  CNN_TRY(affine_sizes(fn, ctx, x, weight, &d));
  const int outputs = weight->n;
  if (bias) CNN_TRY(cnn_check_shape(fn, "bias", bias, outputs, 1, 1, 1));
  CNN_TRY(cnn_check_shape(fn, "y", y, x->n, outputs, 1, 1));
  cnn_sgemm(ctx, 0, 1, (size_t)x->n, (size_t)outputs, d, 1.0f, x->data, d,
            weight->data, d, 0.0f, y->data, (size_t)outputs);
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
