/* Layer forward and backward passes over NCHW tensors.
 *
 * Outputs are caller-allocated and must have exactly the shape the layer
 * produces; a mismatch is CNN_STATUS_INVALID_ARGUMENT naming the argument.
 * Gradients are overwritten, never accumulated. A NULL gradient output is
 * skipped (the first layer of a net needs no dx). */
#ifndef CNN_LAYERS_H
#define CNN_LAYERS_H

#include <stdint.h>
#include "cnn/runtime.h"
#include "cnn/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Conv2d: y[N,K,OH,OW] = x[N,C,H,W] (*) w[K,C,R,S] + b[K] ---- */
typedef struct cnn_conv2d_desc {
  int stride_h, stride_w; /* >= 1 */
  int pad_h, pad_w;       /* >= 0, zero padding on both sides */
} cnn_conv2d_desc;

/* OH = (H + 2*pad_h - R) / stride_h + 1, likewise OW. */
cnn_status cnn_conv2d_output_size(int h, int w, int r, int s,
                                  const cnn_conv2d_desc *desc, int *oh, int *ow);

/* bias may be NULL (shape K,1,1,1 otherwise). */
cnn_status cnn_conv2d_forward(cnn_context *ctx, const cnn_tensor *x,
                              const cnn_tensor *weight, const cnn_tensor *bias,
                              const cnn_conv2d_desc *desc, cnn_tensor *y);

/* cnn_conv2d_forward then ReLU in one pass, y = relu(conv + b): the bits
 * of the two apart (cnn_activation_forward with CNN_ACT_RELU). */
cnn_status cnn_conv2d_forward_relu(cnn_context *ctx, const cnn_tensor *x,
                                   const cnn_tensor *weight, const cnn_tensor *bias,
                                   const cnn_conv2d_desc *desc, cnn_tensor *y);

cnn_status cnn_conv2d_backward(cnn_context *ctx, const cnn_tensor *x,
                               const cnn_tensor *weight, const cnn_tensor *dy,
                               const cnn_conv2d_desc *desc, cnn_tensor *dx,
                               cnn_tensor *dweight, cnn_tensor *dbias);

/* ---- Pooling ---- */
typedef enum cnn_pool_kind { CNN_POOL_MAX, CNN_POOL_AVG } cnn_pool_kind;

typedef struct cnn_pool2d_desc {
  cnn_pool_kind kind;
  int window_h, window_w; /* >= 1 */
  int stride_h, stride_w; /* >= 1 */
  int pad_h, pad_w;       /* >= 0 and < window; max ignores padding, avg counts
                             it as zeros (divisor window_h*window_w) */
} cnn_pool2d_desc;

cnn_status cnn_pool2d_output_size(int h, int w, const cnn_pool2d_desc *desc,
                                  int *oh, int *ow);
cnn_status cnn_pool2d_forward(cnn_context *ctx, const cnn_tensor *x,
                              const cnn_pool2d_desc *desc, cnn_tensor *y);
/* Max pooling: y is the largest pixel of each window, or NaN when it holds
 * one (a NaN spreads, as in PyTorch). Backward routes each gradient to the
 * first maximum of its window in x. */
cnn_status cnn_pool2d_backward(cnn_context *ctx, const cnn_tensor *x,
                               const cnn_tensor *dy, const cnn_pool2d_desc *desc,
                               cnn_tensor *dx);
/* Max pooling backward through the ReLU before it, in one pass: x is that
 * ReLU's output and dx receives the gradient of the ReLU's input, the bits
 * of cnn_pool2d_backward followed by cnn_activation_backward(CNN_ACT_RELU)
 * with y = x. desc->kind must be CNN_POOL_MAX. */
cnn_status cnn_pool2d_backward_relu(cnn_context *ctx, const cnn_tensor *x,
                                    const cnn_tensor *dy, const cnn_pool2d_desc *desc,
                                    cnn_tensor *dx);

/* ---- Flatten: [N,C,H,W] -> [N,C*H*W,1,1], a view sharing x's data ---- */
cnn_status cnn_flatten(const cnn_tensor *x, cnn_tensor *view);

/* ---- Affine: y[N,O] = x[N,D] * w[O,D]^T + b[O] ----
 * x is read as N rows of D = c*h*w values; w has shape (O,D,1,1), b (O,1,1,1)
 * or NULL, y (N,O,1,1). */
cnn_status cnn_affine_forward(cnn_context *ctx, const cnn_tensor *x,
                              const cnn_tensor *weight, const cnn_tensor *bias,
                              cnn_tensor *y);
cnn_status cnn_affine_backward(cnn_context *ctx, const cnn_tensor *x,
                               const cnn_tensor *weight, const cnn_tensor *dy,
                               cnn_tensor *dx, cnn_tensor *dweight,
                               cnn_tensor *dbias);

/* ---- Element-wise activations; y may alias x, dx may alias dy ---- */
typedef enum cnn_activation {
  CNN_ACT_RELU,
  CNN_ACT_SIGMOID,
  CNN_ACT_TANH
} cnn_activation;

/* relu(x) = x < 0 ? 0 : x: a NaN stays NaN (as in PyTorch), so it reaches
 * the loss instead of vanishing. */
cnn_status cnn_activation_forward(cnn_context *ctx, cnn_activation act,
                                  const cnn_tensor *x, cnn_tensor *y);
/* Uses the forward output y: relu' = y > 0, sigmoid' = y(1-y), tanh' = 1-y^2. */
cnn_status cnn_activation_backward(cnn_context *ctx, cnn_activation act,
                                   const cnn_tensor *y, const cnn_tensor *dy,
                                   cnn_tensor *dx);

/* ---- Softmax with cross-entropy over the c*h*w logits of each image ----
 * labels[i] in [0, classes). probs receives the softmax; *loss the mean
 * cross-entropy over the batch. Stable for logits of any finite size. */
cnn_status cnn_softmax_xent_forward(cnn_context *ctx, const cnn_tensor *logits,
                                    const int32_t *labels, cnn_tensor *probs,
                                    float *loss);
/* dlogits = (probs - onehot(labels)) / N; dlogits may alias probs. */
cnn_status cnn_softmax_xent_backward(cnn_context *ctx, const cnn_tensor *probs,
                                     const int32_t *labels, cnn_tensor *dlogits);

#ifdef __cplusplus
}
#endif
#endif
