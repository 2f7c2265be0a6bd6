/* The ordered list of convolution algorithms and the choice among them. */
#include "conv/conv_algo.h"

#include <string.h>

#include "conv/conv_direct.h"
#include "conv/conv_direct_k.h"
#include "conv/conv_direct_rows.h"
#include "conv/conv_im2col.h"
#include "conv/direct_planes.h"
#include "runtime/context.h"
#include "runtime/error.h"

/* ReLU after a path that has no fused epilogue. */
static void relu_in_place(const struct cnn_conv_problem *p, float *y) {
  const size_t count = (size_t)p->n * p->k * p->oh * p->ow;
  for (size_t i = 0; i < count; i++) y[i] = cnn_f32_relu(y[i]);
}

/* ---- direct ---- */

static cnn_status direct_init(const cnn_context *ctx, const struct cnn_conv_problem *p,
                              cnn_conv_pass pass) {
  (void)ctx;
  (void)pass;
  return cnn_conv_direct_check(p);
}

/* The im2col path's GEMM beats the direct kernels on 1x1 filters without
 * padding in two cases. At stride 1, backward-data is a plain GEMM whose
 * reduction is only the K filters, with no column matrix at all (pw_1x1
 * of bench/conv_shapes.csv). Strided, its column matrix is just the
 * subsampled image, where the direct planes copy every stride phase and
 * read one: resnet_ds of bench/extra_shapes.csv (stride 2), conv_bench
 * --algo auto,im2col --timer cpu on Zen 3 at 1 thread, forward 77 against
 * 58 GFLOP/s, backward-data 72 against 53. Backward-weights stays direct
 * (64 against 58 there): the im2col path adds per-thread partial sums in
 * thread order, the direct path's sums do not depend on the thread count. */
static int im2col_wins(const struct cnn_conv_problem *p, cnn_conv_pass pass) {
  if (p->r != 1 || p->s != 1 || p->pad_h != 0 || p->pad_w != 0) return 0;
  const int strided = p->stride_h > 1 || p->stride_w > 1;
  return pass == CNN_CONV_BACKWARD_DATA || (strided && pass == CNN_CONV_FORWARD);
}

/* ---- direct, forward on row slots ---- */

/* Row slots lose lanes only where an output row ends inside a vector and
 * skip the direct path's tile buffer and scatter; they suit whenever they
 * use at least as many lanes as the flattened rows, or nearly as many (5%)
 * when the reduction is shorter than 64 steps and that per-tile work
 * weighs most. Measured on Zen 3 (AVX2) at 1 thread with conv_bench
 * (--algo direct_rows,direct, both shape lists): faster or equal where
 * that holds (simple_c1 67 against 41 GFLOP/s, lenet_c1 54 against 42,
 * stem_7x7 84 against 71, few_c3_3x3 with 61 of 64 lanes against 61 of
 * 63: 54 against 41), 1-4% slower where it does not (lenet_c2, resnet_s2,
 * vgg_3x3). Where the channel-vector tiles suit too, they win once the
 * reduction is deep enough (256 steps) to pay for their transposed
 * stores: resnet_3x3 (576 steps) 82 against 78, alex_c1 (363) 73 against
 * 72, but stem_7x7 (147) 69 against 80 (conv_bench --algo
 * direct_rows,direct_k --timer cpu, two rounds). */
static int direct_rows_suits(const cnn_context *ctx, const struct cnn_conv_problem *p,
                             cnn_conv_pass pass) {
  const int vl = ctx->kernels->conv_direct_rows_vl;
  const int kd = p->c * p->r * p->s;
  const double slots_used = (double)p->ow / ((p->ow + vl - 1) / vl * vl);
  const double margin = kd < 64 ? 0.05 : 0.0;
  if (im2col_wins(p, pass) || (kd >= 256 && cnn_conv_direct_k_forward_suits(ctx, p))) return 0;
  return pass == CNN_CONV_FORWARD && slots_used + margin >= cnn_direct_plane_rows_used(p);
}

/* ---- direct, forward vectorised over output channels ---- */

/* The backward passes are the direct path's (which asks
 * cnn_conv_direct_k_backward_data_suits itself). */
static int direct_k_suits(const cnn_context *ctx, const struct cnn_conv_problem *p,
                          cnn_conv_pass pass) {
  return pass == CNN_CONV_FORWARD && !im2col_wins(p, pass) &&
         cnn_conv_direct_k_forward_suits(ctx, p);
}

static int direct_suits(const cnn_context *ctx, const struct cnn_conv_problem *p,
                        cnn_conv_pass pass) {
  (void)ctx;
  return !im2col_wins(p, pass);
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
    {"direct_rows", direct_init, direct_rows_suits, cnn_conv_direct_rows_forward,
     cnn_conv_direct_backward_data, cnn_conv_direct_backward_weights},
    {"direct_k", direct_init, direct_k_suits, cnn_conv_direct_k_forward,
     cnn_conv_direct_backward_data, cnn_conv_direct_backward_weights},
    {"direct", direct_init, direct_suits, cnn_conv_direct_forward,
     cnn_conv_direct_backward_data, cnn_conv_direct_backward_weights},
    {"im2col", im2col_init, NULL, im2col_forward, cnn_conv_im2col_backward_data,
     cnn_conv_im2col_backward_weights},
    {"reference", reference_init, NULL, reference_forward, reference_backward_data,
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
                   "convolution algorithm \"%s\": expected auto, direct_rows, direct_k, "
                   "direct, im2col or reference",
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
  const struct cnn_conv_algo *first = NULL;
  for (int i = 0; i < ALGO_COUNT; i++) {
    if (algos[i].init(ctx, p, pass) != CNN_STATUS_OK) continue;
    if (!algos[i].suits || algos[i].suits(ctx, p, pass)) {
      *chosen = &algos[i];
      return CNN_STATUS_OK;
    }
    if (!first) first = &algos[i];
  }
  if ((*chosen = first) != NULL) return CNN_STATUS_OK;
  return cnn_error(CNN_STATUS_UNIMPLEMENTED, "convolution: no algorithm accepts the problem");
}

cnn_status cnn_conv_forward_with(cnn_context *ctx, const struct cnn_conv_algo *algo,
                                 const struct cnn_conv_problem *p, const float *x,
                                 const float *w, const float *bias, int relu, float *y) {
  const struct cnn_conv_algo *chosen;
  cnn_status st = cnn_conv_algo_choose(ctx, algo, p, CNN_CONV_FORWARD, &chosen);
  return st ? st : chosen->forward(ctx, p, x, w, bias, relu, y);
}

cnn_status cnn_conv_backward_data_with(cnn_context *ctx, const struct cnn_conv_algo *algo,
                                       const struct cnn_conv_problem *p, const float *dy,
                                       const float *w, float *dx) {
  const struct cnn_conv_algo *chosen;
  cnn_status st = cnn_conv_algo_choose(ctx, algo, p, CNN_CONV_BACKWARD_DATA, &chosen);
  return st ? st : chosen->backward_data(ctx, p, dy, w, dx);
}

cnn_status cnn_conv_backward_weights_with(cnn_context *ctx,
                                          const struct cnn_conv_algo *algo,
                                          const struct cnn_conv_problem *p,
                                          const float *x, const float *dy, float *dw,
                                          float *dbias) {
  const struct cnn_conv_algo *chosen;
  cnn_status st = cnn_conv_algo_choose(ctx, algo, p, CNN_CONV_BACKWARD_WEIGHTS, &chosen);
  return st ? st : chosen->backward_weights(ctx, p, x, dy, dw, dbias);
}
