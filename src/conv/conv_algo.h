/* Internal: the convolution algorithms as an ordered list, best first.
 * Each one's init() accepts a problem or declines it with
 * CNN_STATUS_UNIMPLEMENTED and the reason in cnn_last_error(); the
 * reference direct convolution comes last and accepts everything. */
#ifndef CNN_CONV_CONV_ALGO_H
#define CNN_CONV_CONV_ALGO_H

#include "conv/conv.h"

typedef enum cnn_conv_pass {
  CNN_CONV_FORWARD,
  CNN_CONV_BACKWARD_DATA,
  CNN_CONV_BACKWARD_WEIGHTS
} cnn_conv_pass;

struct cnn_conv_algo {
  const char *name;
  cnn_status (*init)(const cnn_context *ctx, const struct cnn_conv_problem *p,
                     cnn_conv_pass pass);
  /* For auto: zero when a later algorithm of the list is known to be
   * faster on p (NULL: always the best that accepts). */
  int (*suits)(const cnn_context *ctx, const struct cnn_conv_problem *p, cnn_conv_pass pass);
  cnn_status (*forward)(cnn_context *ctx, const struct cnn_conv_problem *p,
                        const float *x, const float *w, const float *bias,
                        int relu, float *y);
  cnn_status (*backward_data)(cnn_context *ctx, const struct cnn_conv_problem *p,
                              const float *dy, const float *w, float *dx);
  cnn_status (*backward_weights)(cnn_context *ctx, const struct cnn_conv_problem *p,
                                 const float *x, const float *dy, float *dw,
                                 float *dbias);
};

/* The list, best first, and its length. */
const struct cnn_conv_algo *cnn_conv_algos(int *count);

/* The algorithm named name ("direct_k", "direct", "im2col", "reference"), or NULL for
 * "auto"; an unknown name is CNN_STATUS_INVALID_ARGUMENT. */
cnn_status cnn_conv_algo_parse(const char *name, const struct cnn_conv_algo **algo);

/* The algorithm that runs pass on p: the forced one (an error if it
 * declines) or, for forced == NULL (auto), the first that accepts and
 * suits the problem (else the first that accepts). */
cnn_status cnn_conv_algo_choose(const cnn_context *ctx, const struct cnn_conv_algo *forced,
                                const struct cnn_conv_problem *p, cnn_conv_pass pass,
                                const struct cnn_conv_algo **chosen);

/* The passes on a given algorithm (NULL: auto). */
cnn_status cnn_conv_forward_with(cnn_context *ctx, const struct cnn_conv_algo *algo,
                                 const struct cnn_conv_problem *p, const float *x,
                                 const float *w, const float *bias, int relu, float *y);
cnn_status cnn_conv_backward_data_with(cnn_context *ctx, const struct cnn_conv_algo *algo,
                                       const struct cnn_conv_problem *p, const float *dy,
                                       const float *w, float *dx);
cnn_status cnn_conv_backward_weights_with(cnn_context *ctx,
                                          const struct cnn_conv_algo *algo,
                                          const struct cnn_conv_problem *p,
                                          const float *x, const float *dy, float *dw,
                                          float *dbias);

#endif
