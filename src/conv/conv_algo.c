/* The ordered list of convolution algorithms and the choice among them. */
#include "conv/conv_algo.h"

#include <string.h>

#include "conv/conv_auto.h"
#include "conv/conv_direct.h"
#include "conv/conv_im2col.h"
#include "runtime/error.h"

/* ReLU after a path that has no fused epilogue. */
static void relu_in_place(const struct cnn_conv_problem *p, float *y) {
  const size_t count = (size_t)p->n * p->k * p->oh * p->ow;
  for (size_t i = 0; i < count; i++)
    if (!(y[i] > 0.0f)) y[i] = 0.0f;
}

/* ---- direct ---- */

static cnn_status direct_init(const cnn_context *ctx, const struct cnn_conv_problem *p,
                              cnn_conv_pass pass) {
  (void)ctx;
  (void)pass;
  return cnn_conv_direct_check(p);
}

/* ---- im2col + GEMM ---- */

static cnn_status im2col_init(const cnn_context *ctx, const struct cnn_conv_problem *p,
                              cnn_conv_pass pass) {
  (void)ctx;
  (void)p;
  (void)pass;
  return CNN_STATUS_OK;
}

static cnn_status im2col_forward(cnn_context *ctx, const struct cnn_conv_problem *p,
                                 const float *x, const float *w, const float *bias,
                                 int relu, float *y) {
  cnn_status st = cnn_conv_im2col_forward(ctx, p, x, w, bias, y);
  if (st == CNN_STATUS_OK && relu) relu_in_place(p, y);
  return st;
}

/* ---- the scalar reference, single-threaded ---- */

static cnn_status reference_init(const cnn_context *ctx, const struct cnn_conv_problem *p,
                                 cnn_conv_pass pass) {
  (void)ctx;
  (void)p;
  (void)pass;
  return CNN_STATUS_OK;
}

static cnn_status reference_forward(cnn_context *ctx, const struct cnn_conv_problem *p,
                                    const float *x, const float *w, const float *bias,
                                    int relu, float *y) {
  (void)ctx;
  cnn_f32_conv_fwd_ref(p, x, w, bias, y);
  if (relu) relu_in_place(p, y);
  return CNN_STATUS_OK;
}

static cnn_status reference_backward_data(cnn_context *ctx,
                                          const struct cnn_conv_problem *p,
                                          const float *dy, const float *w, float *dx) {
  (void)ctx;
  cnn_f32_conv_bwd_data_ref(p, dy, w, dx);
  return CNN_STATUS_OK;
}

static cnn_status reference_backward_weights(cnn_context *ctx,
                                             const struct cnn_conv_problem *p,
                                             const float *x, const float *dy, float *dw,
                                             float *dbias) {
  (void)ctx;
  cnn_f32_conv_bwd_weights_ref(p, x, dy, dw, dbias);
  return CNN_STATUS_OK;
}

static const struct cnn_conv_algo algos[] = {
    {"direct", direct_init, cnn_conv_direct_forward, cnn_conv_direct_backward_data,
     cnn_conv_direct_backward_weights},
    {"im2col", im2col_init, im2col_forward, cnn_conv_im2col_backward_data,
     cnn_conv_im2col_backward_weights},
    {"reference", reference_init, reference_forward, reference_backward_data,
     reference_backward_weights},
};
enum { ALGO_COUNT = sizeof algos / sizeof algos[0] };

const struct cnn_conv_algo *cnn_conv_algos(int *count) {
  *count = ALGO_COUNT;
  return algos;
}

cnn_status cnn_conv_algo_parse(const char *name, const struct cnn_conv_algo **algo) {
  *algo = NULL;
  if (name && strcmp(name, "auto") == 0) return CNN_STATUS_OK;
  for (int i = 0; name && i < ALGO_COUNT; i++)
    if (strcmp(name, algos[i].name) == 0) {
      *algo = &algos[i];
      return CNN_STATUS_OK;
    }
  return cnn_error(CNN_STATUS_INVALID_ARGUMENT,
                   "convolution algorithm \"%s\": expected auto, direct, im2col or reference",
                   name ? name : "(null)");
}

cnn_status cnn_conv_algo_choose(const cnn_context *ctx, const struct cnn_conv_algo *forced,
                                const struct cnn_conv_problem *p, cnn_conv_pass pass,
                                const struct cnn_conv_algo **chosen) {
  *chosen = NULL;
  if (forced) {
    cnn_status st = forced->init(ctx, p, pass);
    if (st == CNN_STATUS_OK) *chosen = forced;
    return st;
  }
  if ((*chosen = cnn_conv_auto_cached(ctx, p, pass)) != NULL) return CNN_STATUS_OK;
  for (int i = 0; i < ALGO_COUNT; i++)
    if (algos[i].init(ctx, p, pass) == CNN_STATUS_OK) {
      *chosen = &algos[i];
      return CNN_STATUS_OK;
    }
  return cnn_error(CNN_STATUS_UNIMPLEMENTED, "convolution: no algorithm accepts the problem");
}

/* A forced algorithm runs directly; auto goes through conv/conv_auto.c. */
static cnn_status run_with(cnn_context *ctx, const struct cnn_conv_algo *algo,
                           const struct cnn_conv_problem *p, const struct cnn_conv_call *call) {
  if (!algo) return cnn_conv_auto_run(ctx, p, call);
  cnn_status st = algo->init(ctx, p, call->pass);
  return st ? st : cnn_conv_call_run(ctx, algo, p, call);
}

cnn_status cnn_conv_forward_with(cnn_context *ctx, const struct cnn_conv_algo *algo,
                                 const struct cnn_conv_problem *p, const float *x,
                                 const float *w, const float *bias, int relu, float *y) {
  const struct cnn_conv_call call = {.pass = CNN_CONV_FORWARD, .x = x, .w = w,
                                     .bias = bias, .relu = relu, .y = y};
  return run_with(ctx, algo, p, &call);
}

cnn_status cnn_conv_backward_data_with(cnn_context *ctx, const struct cnn_conv_algo *algo,
                                       const struct cnn_conv_problem *p, const float *dy,
                                       const float *w, float *dx) {
  const struct cnn_conv_call call = {.pass = CNN_CONV_BACKWARD_DATA, .dy = dy, .w = w,
                                     .dx = dx};
  return run_with(ctx, algo, p, &call);
}

cnn_status cnn_conv_backward_weights_with(cnn_context *ctx,
                                          const struct cnn_conv_algo *algo,
                                          const struct cnn_conv_problem *p,
                                          const float *x, const float *dy, float *dw,
                                          float *dbias) {
  const struct cnn_conv_call call = {.pass = CNN_CONV_BACKWARD_WEIGHTS, .x = x, .dy = dy,
                                     .dw = dw, .dbias = dbias};
  return run_with(ctx, algo, p, &call);
}
