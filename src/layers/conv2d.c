/* Conv2d: argument checks, then the convolution drivers of src/conv/. */
#include "conv/conv.h"
#include "cnn/layers.h"
#include "layers/check.h"
#include "runtime/error.h"

static struct cnn_window filter_window(const cnn_conv2d_desc *desc, int r, int s) {
  return (struct cnn_window){r, s, desc->stride_h, desc->stride_w, desc->pad_h,
                             desc->pad_w};
}

cnn_status cnn_conv2d_output_size(int h, int w, int r, int s,
                                  const cnn_conv2d_desc *desc, int *oh, int *ow) {
  static const char fn[] = "conv2d_output_size";
  CNN_TRY(cnn_check_pointer(fn, "desc", desc));
  CNN_TRY(cnn_check_pointer(fn, "oh", oh));
  CNN_TRY(cnn_check_pointer(fn, "ow", ow));
  const struct cnn_window win = filter_window(desc, r, s);
  return cnn_check_window(fn, "filter", h, w, &win, oh, ow);
}

/* The checks that forward and backward share: ctx, x, weight, desc; fills
 * the problem. */
static cnn_status conv_problem(const char *fn, const cnn_context *ctx,
                               const cnn_tensor *x, const cnn_tensor *weight,
                               const cnn_conv2d_desc *desc, struct cnn_conv_problem *p) {
  CNN_TRY(cnn_check_pointer(fn, "ctx", ctx));
  CNN_TRY(cnn_check_tensor(fn, "x", x));
  CNN_TRY(cnn_check_tensor(fn, "weight", weight));
  CNN_TRY(cnn_check_pointer(fn, "desc", desc));
  if (weight->c != x->c)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "%s: weight has shape (%d,%d,%d,%d) with %d input channels, "
                     "x has shape (%d,%d,%d,%d) with %d",
                     fn, weight->n, weight->c, weight->h, weight->w, weight->c, x->n,
                     x->c, x->h, x->w, x->c);
  const struct cnn_window win = filter_window(desc, weight->h, weight->w);
  int oh, ow;
  CNN_TRY(cnn_check_window(fn, "filter", x->h, x->w, &win, &oh, &ow));
  *p = (struct cnn_conv_problem){
      .n = x->n, .c = x->c, .h = x->h, .w = x->w,
      .k = weight->n, .r = weight->h, .s = weight->w,
      .stride_h = desc->stride_h, .stride_w = desc->stride_w,
      .pad_h = desc->pad_h, .pad_w = desc->pad_w,
      .oh = oh, .ow = ow};
  return CNN_STATUS_OK;
}

/* Both forward passes; relu: the ReLU fused into the epilogue. */
static cnn_status conv_forward(const char *fn, cnn_context *ctx, const cnn_tensor *x,
                               const cnn_tensor *weight, const cnn_tensor *bias,
                               const cnn_conv2d_desc *desc, int relu, cnn_tensor *y) {
  struct cnn_conv_problem p;
  CNN_TRY(conv_problem(fn, ctx, x, weight, desc, &p));
  if (bias) CNN_TRY(cnn_check_shape(fn, "bias", bias, p.k, 1, 1, 1));
  CNN_TRY(cnn_check_shape(fn, "y", y, p.n, p.k, p.oh, p.ow));
  return (relu ? cnn_conv_forward_relu : cnn_conv_forward)(
      ctx, &p, x->data, weight->data, bias ? bias->data : NULL, y->data);
}

cnn_status cnn_conv2d_forward(cnn_context *ctx, const cnn_tensor *x,
                              const cnn_tensor *weight, const cnn_tensor *bias,
                              const cnn_conv2d_desc *desc, cnn_tensor *y) {
  return conv_forward("conv2d_forward", ctx, x, weight, bias, desc, 0, y);
}

cnn_status cnn_conv2d_forward_relu(cnn_context *ctx, const cnn_tensor *x,
                                   const cnn_tensor *weight, const cnn_tensor *bias,
                                   const cnn_conv2d_desc *desc, cnn_tensor *y) {
  return conv_forward("conv2d_forward_relu", ctx, x, weight, bias, desc, 1, y);
}

/* dbias alone (no dweight wanted): the sum of dy over images and pixels. */
static void bias_gradient(const struct cnn_conv_problem *p, const float *dy,
                          float *dbias) {
  const size_t plane = (size_t)p->oh * p->ow;
  for (int k = 0; k < p->k; k++) {
    float sum = 0.0f;
    for (int n = 0; n < p->n; n++)
      for (size_t j = 0; j < plane; j++) sum += dy[((size_t)n * p->k + k) * plane + j];
    dbias[k] = sum;
  }
}

cnn_status cnn_conv2d_backward(cnn_context *ctx, const cnn_tensor *x,
                               const cnn_tensor *weight, const cnn_tensor *dy,
                               const cnn_conv2d_desc *desc, cnn_tensor *dx,
                               cnn_tensor *dweight, cnn_tensor *dbias) {
  static const char fn[] = "conv2d_backward";
  struct cnn_conv_problem p;
  CNN_TRY(conv_problem(fn, ctx, x, weight, desc, &p));
  CNN_TRY(cnn_check_shape(fn, "dy", dy, p.n, p.k, p.oh, p.ow));
  if (dx) CNN_TRY(cnn_check_shape(fn, "dx", dx, p.n, p.c, p.h, p.w));
  if (dweight) CNN_TRY(cnn_check_shape(fn, "dweight", dweight, p.k, p.c, p.r, p.s));
  if (dbias) CNN_TRY(cnn_check_shape(fn, "dbias", dbias, p.k, 1, 1, 1));
  if (dx) CNN_TRY(cnn_conv_backward_data(ctx, &p, dy->data, weight->data, dx->data));
  if (dweight)
    CNN_TRY(cnn_conv_backward_weights(ctx, &p, x->data, dy->data, dweight->data,
                                  dbias ? dbias->data : NULL));
  else if (dbias)
    bias_gradient(&p, dy->data, dbias->data);
  return CNN_STATUS_OK;
}
