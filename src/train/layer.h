/* Internal: the layers of a net. Every kind is a small struct that starts
 * with struct cnn_layer and is driven through its const struct
 * cnn_layer_ops; the net owns the buffers and the flat parameter lists, a
 * layer only points into them. */
#ifndef CNN_TRAIN_LAYER_H
#define CNN_TRAIN_LAYER_H

#include "cnn/layers.h"
#include "cnn/tensor.h"

/* Per-image shape: channels, rows, columns. */
struct cnn_shape {
  int c, h, w;
};

typedef enum cnn_init_kind {
  CNN_INIT_DEFAULT, /* He, or Xavier before sigmoid/tanh: the net decides */
  CNN_INIT_HE,
  CNN_INIT_XAVIER,
  CNN_INIT_GAUSS
} cnn_init_kind;

/* What the model text may say after a layer's keyword. */
enum {
  CNN_LAYER_TAKES_COUNT = 1 << 0,  /* conv filters, fc outputs */
  CNN_LAYER_TAKES_SIZE = 1 << 1,   /* conv kernel, pool window */
  CNN_LAYER_TAKES_PAD = 1 << 2,
  CNN_LAYER_TAKES_STRIDE = 1 << 3,
  CNN_LAYER_TAKES_INIT = 1 << 4
};

/* What a kind's passes can take over from a ReLU layer beside it. */
enum {
  CNN_LAYER_FUSES_RELU_AFTER = 1 << 0, /* forward can end in the ReLU after it */
  CNN_LAYER_FUSES_RELU_GRAD = 1 << 1   /* backward can apply the gradient of the
                                          ReLU before it */
};

/* One layer as the model text gives it, before any shape is known. Fields
 * a kind does not take stay at their defaults (stride 0 means "the
 * default": 1 for conv, the window for pooling). */
struct cnn_layer_spec {
  const struct cnn_layer_ops *ops;
  int column; /* 1-based column of the keyword in the model text */
  int count;
  int size_h, size_w;
  int stride_h, stride_w;
  int pad_h, pad_w;
  cnn_init_kind init;
  float init_std; /* CNN_INIT_GAUSS */
};

/* A parameter tensor a layer asks the net for. fan_in/fan_out feed He and
 * Xavier; decay says whether weight decay applies (weights, not biases). */
struct cnn_param_decl {
  const char *name; /* "weight" or "bias" */
  int n, c, h, w;
  int fan_in, fan_out;
  int decay;
};

#define CNN_LAYER_MAX_PARAMS 2

struct cnn_layer {
  const struct cnn_layer_ops *ops;
  const struct cnn_layer_spec *spec; /* owned by the net */
  struct cnn_shape in, out;
  int num_params;
  struct cnn_param_decl decls[CNN_LAYER_MAX_PARAMS];
  cnn_tensor *params, *grads; /* num_params each, in the net's flat lists */
  /* Fusion, decided when the net is built (net_build.c): */
  int relu_after; /* forward ends in the ReLU layer that follows */
  int relu_grad;  /* backward also applies the gradient of the ReLU layer
                     before: dx is the gradient of that ReLU's input */
  int fused;      /* CNN_LAYER_FUSED_* bits of a ReLU its neighbours run */
  /* Memory the layer keeps between passes (ops bind), freed with the net. */
  float *kept;
};

struct cnn_layer_ops {
  const char *keyword; /* as in the model text */
  unsigned takes;      /* CNN_LAYER_TAKES_* */
  /* Nonzero for layers whose output is a reshaped view of their input
   * (flatten): the net aliases the buffers and calls neither pass. */
  int is_view;
  unsigned fuses; /* CNN_LAYER_FUSES_* */
  /* Allocates the layer for per-image input `in`: checks the spec against
   * it, sets out, num_params and decls. Fills `why` with a short reason
   * (without layer names) and returns CNN_STATUS_INVALID_ARGUMENT when the
   * input does not fit; the net adds the names and shapes. */
  cnn_status (*create)(const struct cnn_layer_spec *spec, struct cnn_shape in,
                       struct cnn_layer **layer, char *why, size_t why_size);
  /* NULL, or called once the net's parameters and step plan exist:
   * allocates in kept what prepare fills for passes on ctx's kernels over
   * micro-batches of micro_batch images. */
  cnn_status (*bind)(struct cnn_layer *layer, const cnn_context *ctx, int micro_batch);
  /* NULL, or called at the start of every pass, before any micro-batch:
   * part `part` of `parts` (one per thread) of the work that depends on
   * the parameters only (fc: packing its weights for the GEMM). */
  void (*prepare)(const struct cnn_layer *layer, const cnn_context *ctx, int part,
                  int parts);
  /* x, y: the batch's input and output. */
  cnn_status (*forward)(const struct cnn_layer *layer, cnn_context *ctx,
                        const cnn_tensor *x, cnn_tensor *y);
  /* Overwrites grads (num_params tensors shaped as the layer's grads: a
   * micro-batch's slots; NULL for a kind with backward_params) and dx
   * (NULL: not needed). */
  cnn_status (*backward)(const struct cnn_layer *layer, cnn_context *ctx,
                         const cnn_tensor *x, const cnn_tensor *y,
                         const cnn_tensor *dy, cnn_tensor *dx, cnn_tensor *grads);
  /* NULL, or the parameter gradients over a whole batch (x and dy, all its
   * images) into the layer's grads: part `part` of `parts` equal shares of
   * the work, one per thread, such that no value's bits depend on parts.
   * A kind that has it gets its gradients this way once per step
   * (CNN_GRAD_BATCH in step_plan.h). */
  cnn_status (*backward_params)(const struct cnn_layer *layer, cnn_context *ctx,
                                const cnn_tensor *x, const cnn_tensor *dy, int part,
                                int parts);
};

extern const struct cnn_layer_ops cnn_conv_layer_ops;
extern const struct cnn_layer_ops cnn_maxpool_layer_ops;
extern const struct cnn_layer_ops cnn_avgpool_layer_ops;
extern const struct cnn_layer_ops cnn_fc_layer_ops;
extern const struct cnn_layer_ops cnn_relu_layer_ops;
extern const struct cnn_layer_ops cnn_sigmoid_layer_ops;
extern const struct cnn_layer_ops cnn_tanh_layer_ops;
extern const struct cnn_layer_ops cnn_flatten_layer_ops;

/* Every kind, NULL-terminated: what the model text parser looks up. */
extern const struct cnn_layer_ops *const cnn_layer_kinds[];

/* A plain struct cnn_layer for kinds that need nothing more. */
struct cnn_layer *cnn_layer_alloc(size_t size);

#endif
