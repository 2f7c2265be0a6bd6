/* maxpool / avgpool W [stride S] [pad P]: cnn_pool2d_forward/backward. */
#include <stdio.h>

#include "train/layer.h"

struct pool_layer {
  struct cnn_layer base;
  cnn_pool2d_desc desc;
};

static cnn_status pool_create(cnn_pool_kind kind, const struct cnn_layer_spec *spec,
                              struct cnn_shape in, struct cnn_layer **out,
                              char *why, size_t why_size) {
  cnn_pool2d_desc desc = {kind,
                          spec->size_h,
                          spec->size_w,
                          spec->stride_h ? spec->stride_h : spec->size_h,
                          spec->stride_w ? spec->stride_w : spec->size_w,
                          spec->pad_h,
                          spec->pad_w};
  int oh, ow;
  if (desc.pad_h >= desc.window_h || desc.pad_w >= desc.window_w) {
    snprintf(why, why_size, "its pad %dx%d is not smaller than its %dx%d window",
             desc.pad_h, desc.pad_w, desc.window_h, desc.window_w);
    return CNN_STATUS_INVALID_ARGUMENT;
  }
  if (in.h + 2 * desc.pad_h < desc.window_h || in.w + 2 * desc.pad_w < desc.window_w ||
      cnn_pool2d_output_size(in.h, in.w, &desc, &oh, &ow) != CNN_STATUS_OK) {
    snprintf(why, why_size, "its %dx%d window (pad %dx%d) does not fit",
             desc.window_h, desc.window_w, desc.pad_h, desc.pad_w);
    return CNN_STATUS_INVALID_ARGUMENT;
  }
  struct pool_layer *pool = (struct pool_layer *)cnn_layer_alloc(sizeof *pool);
  if (!pool) return CNN_STATUS_OUT_OF_MEMORY;
  pool->desc = desc;
  pool->base.out = (struct cnn_shape){in.c, oh, ow};
  *out = &pool->base;
  return CNN_STATUS_OK;
}

static cnn_status maxpool_create(const struct cnn_layer_spec *spec,
                                 struct cnn_shape in, struct cnn_layer **out,
                                 char *why, size_t why_size) {
  return pool_create(CNN_POOL_MAX, spec, in, out, why, why_size);
}

static cnn_status avgpool_create(const struct cnn_layer_spec *spec,
                                 struct cnn_shape in, struct cnn_layer **out,
                                 char *why, size_t why_size) {
  return pool_create(CNN_POOL_AVG, spec, in, out, why, why_size);
}

static cnn_status pool_forward(const struct cnn_layer *l, cnn_context *ctx,
                               const cnn_tensor *x, cnn_tensor *y) {
  return cnn_pool2d_forward(ctx, x, &((const struct pool_layer *)l)->desc, y);
}

static cnn_status pool_backward(const struct cnn_layer *l, cnn_context *ctx,
                                const cnn_tensor *x, const cnn_tensor *y,
                                const cnn_tensor *dy, cnn_tensor *dx, cnn_tensor *grads) {
  (void)y, (void)grads;
  if (!dx) return CNN_STATUS_OK; /* no parameters: nothing else to compute */
  return (l->relu_grad ? cnn_pool2d_backward_relu : cnn_pool2d_backward)(
      ctx, x, dy, &((const struct pool_layer *)l)->desc, dx);
}

#define POOL_TAKES (CNN_LAYER_TAKES_SIZE | CNN_LAYER_TAKES_STRIDE | CNN_LAYER_TAKES_PAD)

const struct cnn_layer_ops cnn_maxpool_layer_ops = {
    .keyword = "maxpool",
    .takes = POOL_TAKES,
    .fuses = CNN_LAYER_FUSES_RELU_GRAD,
    .create = maxpool_create,
    .forward = pool_forward,
    .backward = pool_backward,
};

const struct cnn_layer_ops cnn_avgpool_layer_ops = {
    .keyword = "avgpool",
    .takes = POOL_TAKES,
    .create = avgpool_create,
    .forward = pool_forward,
    .backward = pool_backward,
};
