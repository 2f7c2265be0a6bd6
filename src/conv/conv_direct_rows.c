/* The direct path's forward pass on row slots: the source planes and the
 * reduction steps of conv/conv_direct.c; every output row is cut into
 * slots of VL positions (the last one partial), the slots of an image are
 * numbered row by row, and each tile takes NV consecutive slots (across
 * row ends) times every block of MR channels.
 *
 * Backward-data at stride 1 is the same computation on the transposed
 * problem (conv_direct_rows.h), with the filters packed flipped. */
#include "conv/conv_direct_rows.h"

#include <stdint.h>
#include <string.h>

#include "conv/direct_dgrad_kv.h"
#include "conv/conv_direct.h"
#include "conv/direct_gemm.h"
#include "conv/direct_pad.h"
#include "conv/direct_planes.h"
#include "conv/direct_scratch.h"
#include "runtime/context.h"
#include "runtime/parallel.h"

struct rows_job {
  const struct cnn_conv_problem *p;
  const struct cnn_conv_direct_rows_variant *v; /* the tile */
  struct cnn_direct_planes planes;
  int interior; /* stride 1: the plane buffers are zeroed once, each image
                   only fills their interior (conv/direct_pad.h) */
  int kd;
  const int32_t *rows;                           /* kd plane offsets */
  const struct cnn_conv_direct_rows_slot *slots; /* of one image */
  size_t slot_count;
  const float *a; /* filters, packed in blocks of MR channels */
  const float *x, *bias;
  int relu;
  float *y;
};

/* The share of a tile's accumulators that m channels keep busy, over
 * their blocks of MR. */
static double busy_share(const struct cnn_conv_direct_rows_variant *v, int m) {
  return (double)m / ((m + v->mr - 1) / v->mr * v->mr);
}

/* The first tile of the list whose accumulators m output channels keep
 * at least 3/4 busy, else the busiest: the main tile (6 channels on AVX2)
 * for most layers, the few-channel one (2 channels x 6 slots) where the
 * main one would leave most of its accumulators idle, as for the one
 * channel of a first layer's backward-data (simple_c1: 1 of 6 rows). */
static const struct cnn_conv_direct_rows_variant *tile_for(const struct cnn_kernels *k, int m) {
  const struct cnn_conv_direct_rows_variant *best = &k->conv_direct_rows[0];
  for (int i = 0; i < k->conv_direct_rows_count; i++) {
    const struct cnn_conv_direct_rows_variant *v = &k->conv_direct_rows[i];
    if (4 * busy_share(v, m) >= 3) return v;
    if (busy_share(v, m) > busy_share(best, m)) best = v;
  }
  return best;
}

static size_t tile_count(const struct rows_job *job) {
  const size_t nv = (size_t)job->v->nv;
  return (job->slot_count + nv - 1) / nv;
}

/* Slots [tile*NV, tile*NV + NV) of one image, every channel block. */
static void run_tile(const struct rows_job *job, const float *planes, size_t tile, float *y) {
  const struct cnn_conv_direct_rows_variant *v = job->v;
  const struct cnn_conv_problem *p = job->p;
  const size_t nv_max = (size_t)v->nv, first = tile * nv_max;
  const size_t nv = job->slot_count - first < nv_max ? job->slot_count - first : nv_max;
  const size_t plane = (size_t)p->oh * p->ow;
  const int mr = v->mr;
  for (int m0 = 0; m0 < p->k; m0 += mr) {
    const int channels = p->k - m0 < mr ? p->k - m0 : mr;
    v->fn((size_t)channels, nv, (size_t)job->kd, job->a + (size_t)m0 * job->kd, planes,
          job->rows, job->slots + first, job->bias ? job->bias + m0 : NULL, job->relu,
          y + (size_t)m0 * plane, plane);
  }
}

static const float *image_planes(const struct rows_job *job, int image, float *buffer) {
  const struct cnn_conv_problem *p = job->p;
  const struct cnn_direct_planes *pl = &job->planes;
  const size_t image_floats = (size_t)p->c * p->h * p->w;
  if (!job->interior) return cnn_direct_image_planes(pl, job->x, image_floats, image, buffer);
  cnn_direct_pad_interior(p->c, p->h, p->w, job->x + (size_t)image * image_floats, pl->h, pl->w,
                          pl->origin_y, pl->origin_x, buffer);
  return buffer;
}

/* Images go to threads dynamically, or, with fewer images than threads,
 * the tiles of each image (as in conv/conv_direct.c). Every output is
 * computed by one kernel call whichever thread runs it, so the bits do
 * not depend on the thread count. */
static void execute(const struct rows_job *job, int team, float *const *planes) {
  const struct cnn_conv_problem *p = job->p;
  const size_t tiles = tile_count(job), y_image = (size_t)p->k * p->oh * p->ow;
  if (p->n >= team) {
    CNN_OMP(parallel for num_threads(team) schedule(dynamic, 1) if (team > 1))
    for (int n = 0; n < p->n; n++) {
      const float *src = image_planes(job, n, planes[cnn_thread_index()]);
      for (size_t tile = 0; tile < tiles; tile++)
        run_tile(job, src, tile, job->y + (size_t)n * y_image);
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
      CNN_OMP(for schedule(dynamic, 1))
      for (size_t tile = 0; tile < tiles; tile++)
        run_tile(job, src, tile, job->y + (size_t)n * y_image);
    }
  }
}

/* The forward pass of p, with w the filters of p or, `flipped`, those of
 * the problem p is the transposed of (cnn_direct_pack_forward_filters). */
static cnn_status run(cnn_context *ctx, const struct cnn_conv_problem *p, const float *x,
                      const float *w, int flipped, const float *bias, int relu, float *y) {
  const struct cnn_kernels *k = ctx->kernels;
  const int team = cnn_team_size(ctx->num_threads);
  const struct cnn_conv_direct_rows_variant *v = tile_for(k, p->k);
  const int mr = v->mr, vl = k->conv_direct_rows_vl;
  const int per_row = (p->ow + vl - 1) / vl;
  struct rows_job job = {.p = p, .v = v, .kd = p->c * p->r * p->s, .x = x, .bias = bias,
                         .relu = relu, .y = y};
  job.slot_count = (size_t)p->oh * per_row;
  cnn_direct_forward_planes(p, &job.planes);
  /* Kernels read whole vectors, up to ow rounded up to VL past a row's
   * start: an unpadded stride-1 input is its own plane set when no row
   * ends inside a vector (the last row of the last channel would read
   * past the image); otherwise the planes are copied, with room to read. */
  job.planes.in_place = p->stride_h == 1 && p->stride_w == 1 && p->pad_h == 0 &&
                        p->pad_w == 0 && p->ow % vl == 0;
  const size_t reach = (size_t)(p->oh - 1) * job.planes.w + (size_t)per_row * vl;
  cnn_direct_planes_reserve(&job.planes,
                            (size_t)cnn_direct_forward_row(p, &job.planes, p->c - 1, p->r - 1,
                                                           p->s - 1),
                            reach);

  float *planes[team];
  int32_t *rows = NULL;
  size_t *offsets = NULL;
  float *a = NULL;
  struct cnn_conv_direct_rows_slot *slots = NULL;
  struct cnn_scratch s = {0};
  for (int pass = 0; pass < 2; pass++) {
    rows = cnn_scratch_take(&s, sizeof(int32_t) * job.kd);
    offsets = cnn_scratch_take(&s, sizeof(size_t) * job.kd);
    slots = cnn_scratch_take(&s, sizeof(*slots) * job.slot_count);
    a = cnn_scratch_take(&s, sizeof(float) * cnn_direct_filters_len(mr, p->k, job.kd));
    for (int t = 0; t < team; t++)
      planes[t] = job.planes.in_place ? NULL
                                      : cnn_scratch_take(&s, sizeof(float) * job.planes.len);
    if (pass == 0) {
      s.base = cnn_context_scratch(ctx, s.used);
      if (!s.base) return CNN_STATUS_OUT_OF_MEMORY;
      s.used = 0;
    }
  }
  /* At stride 1 the planes are the image at (pad_h, pad_w) in zeros. */
  job.interior = !job.planes.in_place && p->stride_h == 1 && p->stride_w == 1;
  for (int t = 0; job.interior && t < (p->n >= team ? team : 1); t++)
    memset(planes[t], 0, sizeof(float) * job.planes.len);
  cnn_direct_forward_steps(p, &job.planes, rows);
  for (int i = 0, at = 0; i < p->oh; i++)
    for (int j0 = 0; j0 < p->ow; j0 += vl, at++)
      slots[at] = (struct cnn_conv_direct_rows_slot){
          .x = (int32_t)((size_t)i * job.planes.w + j0),
          .y = (int32_t)((size_t)i * p->ow + j0),
          .n = p->ow - j0 < vl ? p->ow - j0 : vl};
  cnn_direct_pack_forward_filters(mr, p, w, flipped, offsets, a);
  job.rows = rows;
  job.slots = slots;
  job.a = a;
  execute(&job, team, planes);
  return CNN_STATUS_OK;
}

cnn_status cnn_conv_direct_rows_forward(cnn_context *ctx, const struct cnn_conv_problem *p,
                                        const float *x, const float *w, const float *bias,
                                        int relu, float *y) {
  return run(ctx, p, x, w, 0, bias, relu, y);
}

/* The pass suits fewer input channels than the main tile's MR (where the
 * shifted GEMM of conv/conv_direct.c, M = C, leaves most rows of its tile
 * idle), when at least half the products of the row slots are real (dx is
 * computed over H rows of W rounded up to VL, against OH*OW real dy
 * positions per tap) or the filter-vector pass declines p. Measured on
 * Zen 3 (AVX2) at 1 thread, conv_bench --pass bwd_data --timer cpu, row
 * slots against the filter-vector pass: lenet_c1 (7/8 real) 38.5 against
 * 18.1 GFLOP/s, simple_c1 (0.64) 27.9 against 21.5, few_c3_3x3 (0.95)
 * 46.9 against 42.9, few_c4_5x5 (0.74) 58.9 against 56.0; N64 C2 20x20 K16
 * 5x5 (0.53) 45.6 against 37.2; C4 20x20 K16 3x3 (0.68) 46.4 against 46.6;
 * below half, 5x5 over 12x12 (dy 8x8, 0.33): C1 K16 16.8 against 19.4,
 * C4 K16 30.3 against 57.9. The shifted GEMM ran all of these at 6 to 40
 * GFLOP/s. lenet_c2 (6 channels, 0.45) keeps the filter-vector pass (67
 * against 40). */
int cnn_conv_direct_rows_backward_data_suits(const cnn_context *ctx,
                                             const struct cnn_conv_problem *p) {
  if (!cnn_conv_direct_transposable(p)) return 0;
  const struct cnn_kernels *k = ctx->kernels;
  const size_t vl = (size_t)k->conv_direct_rows_vl;
  const size_t computed = (size_t)p->h * ((p->w + vl - 1) / vl * vl);
  const int real_half = 2 * (size_t)p->oh * p->ow >= computed;
  return p->c < k->conv_direct_rows[0].mr && (real_half || !cnn_conv_dgrad_kv_suits(ctx, p));
}

cnn_status cnn_conv_direct_rows_backward_data(cnn_context *ctx,
                                              const struct cnn_conv_problem *p,
                                              const float *dy, const float *w, float *dx) {
  const struct cnn_conv_problem t = cnn_conv_direct_transposed(p);
  return run(ctx, &t, dy, w, 1, NULL, 0, dx);
}
