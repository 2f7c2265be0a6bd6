/* The direct path's forward pass on channel-vectorised tiles (conv_direct_k
 * in kernels/ukernels.h): the same source planes and reduction steps as
 * conv/conv_direct.c, but each tile is a segment of one output row times
 * a block of output channels, so no position of a tile is ever discarded.
 * The kernels transpose their tiles into NCHW themselves; the bias and
 * ReLU follow per image. Backward-data at stride 1 is the same computation
 * on the transposed problem, with the filters packed flipped. */
#include "conv/conv_direct_k.h"

#include <stdint.h>

#include "conv/conv_direct.h"
#include "conv/direct_gemm.h"
#include "conv/direct_planes.h"
#include "conv/direct_scratch.h"
#include "runtime/context.h"
#include "runtime/parallel.h"

struct k_job {
  const struct cnn_conv_problem *p;
  const struct cnn_kernels *k;
  struct cnn_direct_planes planes;
  int kd;
  const int32_t *rows; /* kd plane offsets */
  const float *a;      /* filters, packed in blocks of MR channels */
  int segments;        /* tiles per output row */
  const float *x, *bias;
  int relu;
  float *y;
};

/* Positions per tile: NR, a multiple of every chunk a kernel splits it in. */
static int segment_width(const struct k_job *job) { return job->k->conv_direct_k_nr; }

/* Output row i, positions [j0, j0 + count), every channel block; the
 * kernel writes straight into y. */
static void run_tile(const struct k_job *job, const float *planes, size_t tile, float *y) {
  const struct cnn_conv_problem *p = job->p;
  const int mr = job->k->conv_direct_k_mr;
  const int i = (int)(tile / (size_t)job->segments);
  const int j0 = (int)(tile % (size_t)job->segments) * segment_width(job);
  const int count = p->ow - j0 < segment_width(job) ? p->ow - j0 : segment_width(job);
  const float *src = planes + (size_t)i * job->planes.w + j0;
  const size_t plane = (size_t)p->oh * p->ow;
  float *out = y + (size_t)i * p->ow + j0;
  for (int m0 = 0; m0 < p->k; m0 += mr) {
    const int channels = p->k - m0 < mr ? p->k - m0 : mr;
    job->k->conv_direct_k((size_t)channels, (size_t)count, (size_t)job->kd,
                          job->a + (size_t)m0 * job->kd, src, job->rows,
                          out + (size_t)m0 * plane, plane, 0);
  }
}

/* The bias and ReLU over whole output planes of one image, once its tiles
 * are done: one long row each, not one per tile (lenet_c2: 16 rows of 100
 * against 160 of 10), while the image is still in cache. */
static void epilogue(const struct k_job *job, float *y, int ch) {
  if (!job->bias && !job->relu) return;
  const size_t plane = (size_t)job->p->oh * job->p->ow;
  float *row = y + (size_t)ch * plane;
  cnn_direct_epilogue_row(row, plane, row, 1, job->bias ? job->bias + ch : NULL, job->relu);
}

static const float *image_planes(const struct k_job *job, int image, float *buffer) {
  const size_t image_floats = (size_t)job->p->c * job->p->h * job->p->w;
  return cnn_direct_image_planes(&job->planes, job->x, image_floats, image, buffer);
}

/* Images go to threads dynamically, or, with fewer images than threads,
 * the tiles of each image (as in conv/conv_direct.c). */
static void execute(const struct k_job *job, int team, float *const *planes) {
  const struct cnn_conv_problem *p = job->p;
  const size_t tiles = (size_t)p->oh * job->segments, y_image = (size_t)p->k * p->oh * p->ow;
  if (p->n >= team) {
    CNN_OMP(parallel for num_threads(team) schedule(dynamic, 1) if (team > 1))
    for (int n = 0; n < p->n; n++) {
      const int t = cnn_thread_index();
      const float *src = image_planes(job, n, planes[t]);
      float *y = job->y + (size_t)n * y_image;
      for (size_t tile = 0; tile < tiles; tile++) run_tile(job, src, tile, y);
      for (int ch = 0; ch < p->k; ch++) epilogue(job, y, ch);
    }
    return;
  }
  CNN_OMP(parallel num_threads(team) if (team > 1)) {
    for (int n = 0; n < p->n; n++) {
      const float *src = job->planes.in_place ? image_planes(job, n, NULL) : planes[0];
      if (!job->planes.in_place) {
        CNN_OMP(single)
        image_planes(job, n, planes[0]);
      }
      float *y = job->y + (size_t)n * y_image;
      CNN_OMP(for schedule(dynamic, 1))
      for (size_t tile = 0; tile < tiles; tile++) run_tile(job, src, tile, y);
      CNN_OMP(for schedule(static))
      for (int ch = 0; ch < p->k; ch++) epilogue(job, y, ch);
    }
  }
}

/* The forward pass suits when its lanes do more useful work than the position-vectorised tiles': the
 * output channels fill whole vectors better than the output row fills the
 * plane row it is computed in, and the reduction has at least 64 steps
 * (every tile is transposed on the way out, which a shorter one does not
 * pay for). Measured on Zen 3 (AVX2) at 1 thread with conv_bench --algo
 * direct,direct_rows,direct_k --timer cpu on both shape lists, GFLOP/s of
 * direct_k against the better of the others: where the rule holds,
 * lenet_c2 84 against 49, mnist_3x3 84 against 77, resnet_s2 68 against
 * 64, alex_c1 77 against 74, odd_rect 84 against 71, vgg_3x3 and odd_3x3
 * even; where it does not, pw_1x1 64 against 78, resnet_ds 56 against 58,
 * odd_s2 60 against 62, simple_c1 (25 steps) 44 against 65; one miss,
 * few_c4_5x5 (13 filters in 16 lanes) 65 against 58. */
int cnn_conv_direct_k_forward_suits(const cnn_context *ctx, const struct cnn_conv_problem *p) {
  const int vl = ctx->kernels->conv_direct_k_vl;
  const double channels_used = (double)p->k / ((p->k + vl - 1) / vl * vl);
  return channels_used > cnn_direct_plane_rows_used(p) && p->c * p->r * p->s >= 64;
}

/* The forward pass of p, with w the filters of p or, `flipped`, those of
 * the problem p is the transposed of (cnn_direct_pack_forward_filters). */
static cnn_status run(cnn_context *ctx, const struct cnn_conv_problem *p, const float *x,
                      const float *w, int flipped, const float *bias, int relu, float *y) {
  const struct cnn_kernels *k = ctx->kernels;
  const int team = cnn_team_size(ctx->num_threads);
  const int mr = k->conv_direct_k_mr;
  struct k_job job = {.p = p, .k = k, .kd = p->c * p->r * p->s, .x = x, .bias = bias,
                      .relu = relu, .y = y};
  job.segments = (p->ow + segment_width(&job) - 1) / segment_width(&job);
  cnn_direct_forward_planes(p, &job.planes);
  /* Tiles read only real positions, so an unpadded stride-1 input is its
   * own plane set (the planes would be a copy of it). */
  if (p->stride_h == 1 && p->stride_w == 1 && p->pad_h == 0 && p->pad_w == 0)
    job.planes.in_place = 1;

  float *planes[team];
  int32_t *rows = NULL;
  size_t *offsets = NULL;
  float *a = NULL;
  struct cnn_scratch s = {0};
  for (int pass = 0; pass < 2; pass++) {
    rows = cnn_scratch_take(&s, sizeof(int32_t) * job.kd);
    offsets = cnn_scratch_take(&s, sizeof(size_t) * job.kd);
    a = cnn_scratch_take(&s, sizeof(float) * cnn_direct_filters_len(mr, p->k, job.kd));
    for (int t = 0; t < team; t++) {
      planes[t] = job.planes.in_place ? NULL
                                      : cnn_scratch_take(&s, sizeof(float) * job.planes.len);
    }
    if (pass == 0) {
      s.base = cnn_context_scratch(ctx, s.used);
      if (!s.base) return CNN_STATUS_OUT_OF_MEMORY;
      s.used = 0;
    }
  }
  cnn_direct_forward_steps(p, &job.planes, rows);
  cnn_direct_pack_forward_filters(mr, p, w, flipped, offsets, a);
  job.rows = rows;
  job.a = a;
  execute(&job, team, planes);
  return CNN_STATUS_OK;
}

cnn_status cnn_conv_direct_k_forward(cnn_context *ctx, const struct cnn_conv_problem *p,
                                     const float *x, const float *w, const float *bias,
                                     int relu, float *y) {
  return run(ctx, p, x, w, 0, bias, relu, y);
}

/* The forward rule on the transposed problem. Measured on Zen 3 (AVX2) at
 * 1 thread, conv_bench --pass bwd_data --algo direct --timer cpu, against
 * the channel-vector pass it replaces there: mnist_3x3 82 against 73
 * GFLOP/s, resnet_3x3 82 against 66-82, vgg_3x3 79 against 75; declined:
 * odd_3x3 (37 channels in 40 lanes) 72 against 70, odd_rect 70 against 77,
 * lenet_c2 19 against 47 (filter-vector pass), and the first layers. */
int cnn_conv_direct_k_backward_data_suits(const cnn_context *ctx,
                                          const struct cnn_conv_problem *p) {
  if (!cnn_conv_direct_transposable(p)) return 0;
  const struct cnn_conv_problem t = cnn_conv_direct_transposed(p);
  return cnn_conv_direct_k_forward_suits(ctx, &t);
}

cnn_status cnn_conv_direct_k_backward_data(cnn_context *ctx, const struct cnn_conv_problem *p,
                                           const float *dy, const float *w, float *dx) {
  const struct cnn_conv_problem t = cnn_conv_direct_transposed(p);
  return run(ctx, &t, dy, w, 1, NULL, 0, dx);
}
