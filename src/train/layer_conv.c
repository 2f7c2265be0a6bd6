/* conv K RxS [pad P] [stride S]: cnn_conv2d_forward/backward with a bias. */
#include <stdio.h>

#include "train/layer.h"

struct conv_layer {
  struct cnn_layer base;
  cnn_conv2d_desc desc;
};

static cnn_status conv_create(const struct cnn_layer_spec *spec, struct cnn_shape in,
                              struct cnn_layer **out, char *why, size_t why_size) {
  cnn_conv2d_desc desc = {spec->stride_h ? spec->stride_h : 1,
                          spec->stride_w ? spec->stride_w : 1, spec->pad_h,
                          spec->pad_w};
  int oh, ow;
  if (in.h + 2 * desc.pad_h < spec->size_h || in.w + 2 * desc.pad_w < spec->size_w ||
      cnn_conv2d_output_size(in.h, in.w, spec->size_h, spec->size_w, &desc, &oh,
                             &ow) != CNN_STATUS_OK) {
    snprintf(why, why_size, "its %dx%d kernel (pad %dx%d) does not fit",
             spec->size_h, spec->size_w, desc.pad_h, desc.pad_w);
    return CNN_STATUS_INVALID_ARGUMENT;
  }
  struct conv_layer *conv = (struct conv_layer *)cnn_layer_alloc(sizeof *conv);
  if (!conv) return CNN_STATUS_OUT_OF_MEMORY;
  conv->desc = desc;
  struct cnn_layer *l = &conv->base;
  l->out = (struct cnn_shape){spec->count, oh, ow};
  int taps = spec->size_h * spec->size_w;
  l->num_params = 2;
  l->decls[0] = (struct cnn_param_decl){"weight", spec->count, in.c, spec->size_h,
                                        spec->size_w, in.c * taps,
                                        spec->count * taps, 1};
  l->decls[1] = (struct cnn_param_decl){"bias", spec->count, 1, 1, 1, 0, 0, 0};
  *out = l;
  return CNN_STATUS_OK;
}

static cnn_status conv_forward(const struct cnn_layer *l, cnn_context *ctx,
                               const cnn_tensor *x, cnn_tensor *y) {
  const struct conv_layer *conv = (const struct conv_layer *)l;
  return (l->relu_after ? cnn_conv2d_forward_relu : cnn_conv2d_forward)(
      ctx, x, &l->params[0], &l->params[1], &conv->desc, y);
}

static cnn_status conv_backward(const struct cnn_layer *l, cnn_context *ctx,
                                const cnn_tensor *x, const cnn_tensor *y,
                                const cnn_tensor *dy, cnn_tensor *dx, cnn_tensor *grads) {
  (void)y;
  const struct conv_layer *conv = (const struct conv_layer *)l;
  return cnn_conv2d_backward(ctx, x, &l->params[0], dy, &conv->desc, dx, &grads[0],
                             &grads[1]);
}

const struct cnn_layer_ops cnn_conv_layer_ops = {
    .keyword = "conv",
    .takes = CNN_LAYER_TAKES_COUNT | CNN_LAYER_TAKES_SIZE | CNN_LAYER_TAKES_PAD |
             CNN_LAYER_TAKES_STRIDE | CNN_LAYER_TAKES_INIT,
    .fuses = CNN_LAYER_FUSES_RELU_AFTER,
    .create = conv_create,
    .forward = conv_forward,
    .backward = conv_backward,
};
