/* Max and average pooling: argument checks, then the pooling kernels of the
 * dispatch table, one plane (image, channel) at a time. */
#include "cnn/layers.h"
#include "layers/check.h"
#include "layers/threads.h"
#include "runtime/context.h"
#include "runtime/error.h"
#include "runtime/parallel.h"

static cnn_status pool_geometry(const char *fn, int h, int w,
                                const cnn_pool2d_desc *desc, struct cnn_pool_problem *p) {
  CNN_TRY(cnn_check_pointer(fn, "desc", desc));
  if (desc->kind != CNN_POOL_MAX && desc->kind != CNN_POOL_AVG)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "%s: desc->kind %d is neither CNN_POOL_MAX nor CNN_POOL_AVG", fn,
                     (int)desc->kind);
  const struct cnn_window win = {desc->window_h, desc->window_w, desc->stride_h,
                                 desc->stride_w, desc->pad_h,    desc->pad_w};
  int oh, ow;
  CNN_TRY(cnn_check_window(fn, "window", h, w, &win, &oh, &ow));
  /* Padding of a whole window would make windows of padding only. */
  if (desc->pad_h >= desc->window_h || desc->pad_w >= desc->window_w)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "%s: padding %dx%d is not below the window %dx%d", fn,
                     desc->pad_h, desc->pad_w, desc->window_h, desc->window_w);
  *p = (struct cnn_pool_problem){h, w, desc->window_h, desc->window_w, desc->stride_h,
                                 desc->stride_w, desc->pad_h, desc->pad_w, oh, ow, 0};
  return CNN_STATUS_OK;
}

cnn_status cnn_pool2d_output_size(int h, int w, const cnn_pool2d_desc *desc,
                                  int *oh, int *ow) {
  static const char fn[] = "pool2d_output_size";
  CNN_TRY(cnn_check_pointer(fn, "oh", oh));
  CNN_TRY(cnn_check_pointer(fn, "ow", ow));
  struct cnn_pool_problem p;
  CNN_TRY(pool_geometry(fn, h, w, desc, &p));
  *oh = p.oh;
  *ow = p.ow;
  return CNN_STATUS_OK;
}

cnn_status cnn_pool2d_forward(cnn_context *ctx, const cnn_tensor *x,
                              const cnn_pool2d_desc *desc, cnn_tensor *y) {
  static const char fn[] = "pool2d_forward";
  CNN_TRY(cnn_check_pointer(fn, "ctx", ctx));
  CNN_TRY(cnn_check_tensor(fn, "x", x));
  struct cnn_pool_problem p;
  CNN_TRY(pool_geometry(fn, x->h, x->w, desc, &p));
  CNN_TRY(cnn_check_shape(fn, "y", y, x->n, x->c, p.oh, p.ow));
  const cnn_f32_pool_fwd_ukernel_fn kernel =
      desc->kind == CNN_POOL_MAX ? ctx->kernels->maxpool : ctx->kernels->avgpool;
  const int planes = x->n * x->c;
  const size_t in_plane = (size_t)p.h * p.w, out_plane = (size_t)p.oh * p.ow;
  CNN_OMP(parallel for num_threads(cnn_layer_threads(ctx, planes * in_plane))
              schedule(static))
  for (int i = 0; i < planes; i++)
    kernel(&p, x->data + (size_t)i * in_plane, y->data + (size_t)i * out_plane);
  return CNN_STATUS_OK;
}

/* Both backward passes; relu_grad: through the ReLU whose output x is. */
static cnn_status pool_backward(const char *fn, cnn_context *ctx, const cnn_tensor *x,
                                const cnn_tensor *dy, const cnn_pool2d_desc *desc,
                                int relu_grad, cnn_tensor *dx) {
  CNN_TRY(cnn_check_pointer(fn, "ctx", ctx));
  CNN_TRY(cnn_check_tensor(fn, "x", x));
  struct cnn_pool_problem p;
  CNN_TRY(pool_geometry(fn, x->h, x->w, desc, &p));
  if (relu_grad && desc->kind != CNN_POOL_MAX)
    return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                     "%s: desc->kind is not CNN_POOL_MAX (only max pooling fuses the "
                     "ReLU gradient)",
                     fn);
  p.relu_grad = relu_grad;
  CNN_TRY(cnn_check_shape(fn, "dy", dy, x->n, x->c, p.oh, p.ow));
  CNN_TRY(cnn_check_shape(fn, "dx", dx, x->n, x->c, x->h, x->w));
  const cnn_f32_pool_bwd_ukernel_fn kernel = desc->kind == CNN_POOL_MAX
                                                 ? ctx->kernels->maxpool_bwd
                                                 : ctx->kernels->avgpool_bwd;
  const int planes = x->n * x->c;
  const size_t in_plane = (size_t)p.h * p.w, out_plane = (size_t)p.oh * p.ow;
  CNN_OMP(parallel for num_threads(cnn_layer_threads(ctx, planes * in_plane))
              schedule(static))
  for (int i = 0; i < planes; i++)
    kernel(&p, x->data + (size_t)i * in_plane, dy->data + (size_t)i * out_plane,
           dx->data + (size_t)i * in_plane);
  return CNN_STATUS_OK;
}

cnn_status cnn_pool2d_backward(cnn_context *ctx, const cnn_tensor *x,
                               const cnn_tensor *dy, const cnn_pool2d_desc *desc,
                               cnn_tensor *dx) {
  return pool_backward("pool2d_backward", ctx, x, dy, desc, 0, dx);
}

cnn_status cnn_pool2d_backward_relu(cnn_context *ctx, const cnn_tensor *x,
                                    const cnn_tensor *dy, const cnn_pool2d_desc *desc,
                                    cnn_tensor *dx) {
  return pool_backward("pool2d_backward_relu", ctx, x, dy, desc, 1, dx);
}
