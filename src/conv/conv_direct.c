/* The direct path's forward and backward-data passes: both are shifted
 * GEMMs (conv/direct_gemm.h) over source planes (conv/direct_planes.h).
 *
 * Forward: the planes are the padded input split into stride phases; one
 * GEMM of K channels whose step (c, r, s) reads the plane of tap (r, s).
 *
 * Backward-data: dx at padded position (a*stride + q) only receives taps
 * r = q + t*stride, from dy row a - t. So each stride phase q of dx is a
 * stride-1 correlation of the zero-padded dy with the phase's taps; one
 * GEMM of C channels per phase, over planes of dy padded so that a - t is
 * never negative. Stride-1 problems go to the row-slot tiles, the
 * channel-vector tiles (both on the transposed problem), the filter-vector
 * or the channel-vector dgrad passes first, when their rules say they
 * suit. */
#include "conv/conv_direct.h"

#include <stdint.h>
#include <string.h>

#include "conv/conv_direct_k.h"
#include "conv/conv_direct_rows.h"
#include "conv/direct_dgrad_cv.h"
#include "conv/direct_dgrad_kv.h"
#include "conv/direct_gemm.h"
#include "conv/direct_planes.h"
#include "conv/direct_scratch.h"
#include "runtime/context.h"
#include "runtime/error.h"
#include "runtime/parallel.h"

/* What one pass computes for every image. */
struct direct_job {
  const struct cnn_kernels *k;
  struct cnn_direct_planes planes;
  struct cnn_direct_gemm *gemms;
  int gemm_count;
  size_t *first_tile;       /* gemm g owns tiles [first_tile[g], first_tile[g+1]) */
  const int32_t *stage_rows; /* in-place planes: rows of the staged last tile */
  const float *src;
  size_t src_image;
  float *dst;
  size_t dst_image;
  struct cnn_direct_epilogue epi;
};

/* Per-thread buffers. */
struct direct_thread {
  float *planes, *panel, *stage;
};

/* Runs tile `tile` (in the job's numbering over all its GEMMs). */
static void run_tile(const struct direct_job *job, const float *planes, size_t tile,
                     const struct direct_thread *th, float *dst) {
  int gi = 0;
  while (tile >= job->first_tile[gi + 1]) gi++;
  const struct cnn_direct_gemm *g = &job->gemms[gi];
  const size_t nr = (size_t)job->k->conv_direct_nr;
  const size_t o0 = (tile - job->first_tile[gi]) * nr, n = (size_t)g->out_h * g->ld;
  if (job->planes.in_place && o0 + nr > n) {
    /* The last tile would read past the source: copy its part of every
     * row, zero-filled, and run it from the copy. */
    for (int p = 0; p < g->kd; p++) {
      float *row = th->stage + (size_t)p * nr;
      memcpy(row, planes + g->rows[p] + o0, sizeof(float) * (n - o0));
      memset(row + (n - o0), 0, sizeof(float) * (nr - (n - o0)));
    }
    struct cnn_direct_gemm staged = *g;
    staged.rows = job->stage_rows;
    cnn_direct_gemm_run_tile(job->k, &staged, th->stage, o0, th->panel, &job->epi, dst);
    return;
  }
  cnn_direct_gemm_run_tile(job->k, g, planes + o0, o0, th->panel, &job->epi, dst);
}

static const float *image_planes(const struct direct_job *job, int image, float *buffer) {
  return cnn_direct_image_planes(&job->planes, job->src, job->src_image, image, buffer);
}

/* The per-thread buffers of a job, after its shared pieces. */
static void take_threads(struct cnn_scratch *s, const struct direct_job *job,
                         int max_kd, int max_m, int team, struct direct_thread *threads) {
  const size_t nr = (size_t)job->k->conv_direct_nr;
  for (int t = 0; t < team; t++) {
    struct direct_thread th = {0};
    if (!job->planes.in_place)
      th.planes = cnn_scratch_take(s, sizeof(float) * job->planes.len);
    th.panel = cnn_scratch_take(s, sizeof(float) * cnn_direct_gemm_panel_len(job->k, max_m));
    if (job->planes.in_place) th.stage = cnn_scratch_take(s, sizeof(float) * max_kd * nr);
    if (threads) threads[t] = th;
  }
}

static void execute(const struct direct_job *job, int n, int team,
                    const struct direct_thread *threads) {
  const size_t tiles = job->first_tile[job->gemm_count];
  /* Images (and tiles) are handed out dynamically: each is computed the
   * same way whichever thread takes it, and a thread that lost its core to
   * another process does not hold the others up at the end. */
  if (n >= team) {
    CNN_OMP(parallel for num_threads(team) schedule(dynamic, 1) if (team > 1))
    for (int i = 0; i < n; i++) {
      const struct direct_thread *th = &threads[cnn_thread_index()];
      const float *planes = image_planes(job, i, th->planes);
      for (size_t t = 0; t < tiles; t++)
        run_tile(job, planes, t, th, job->dst + (size_t)i * job->dst_image);
    }
    return;
  }
  /* Fewer images than threads: all threads share each image's planes and
   * split its tiles. */
  CNN_OMP(parallel num_threads(team) if (team > 1)) {
    const struct direct_thread *th = &threads[cnn_thread_index()];
    for (int i = 0; i < n; i++) {
      const float *planes = job->src + (size_t)i * job->src_image;
      if (!job->planes.in_place) {
        CNN_OMP(single)
        image_planes(job, i, threads[0].planes);
        planes = threads[0].planes;
      }
      CNN_OMP(for schedule(dynamic, 1))
      for (size_t t = 0; t < tiles; t++)
        run_tile(job, planes, t, th, job->dst + (size_t)i * job->dst_image);
    }
  }
}

cnn_status cnn_conv_direct_check(const struct cnn_conv_problem *p) {
  /* Row offsets are int32: every plane buffer must stay below 2^31 floats.
   * Either pass's planes hold at most (C or K) * (H+2*pad+stride) *
   * (W+2*pad+stride) floats plus a tile row. */
  const size_t channels = (size_t)(p->c > p->k ? p->c : p->k);
  const size_t h = (size_t)p->h + 2 * (size_t)p->pad_h + p->r + p->stride_h;
  const size_t w = (size_t)p->w + 2 * (size_t)p->pad_w + p->s + p->stride_w;
  if (channels * h * w + (size_t)4096 * 64 > INT32_MAX)
    return cnn_error(CNN_STATUS_UNIMPLEMENTED,
                     "direct: the padded planes of %zux%zux%zu exceed 2^31 floats",
                     channels, h, w);
  return CNN_STATUS_OK;
}

int cnn_conv_direct_transposable(const struct cnn_conv_problem *p) {
  return p->stride_h == 1 && p->stride_w == 1 && p->pad_h <= p->r - 1 && p->pad_w <= p->s - 1;
}

struct cnn_conv_problem cnn_conv_direct_transposed(const struct cnn_conv_problem *p) {
  return (struct cnn_conv_problem){
      .n = p->n, .c = p->k, .h = p->oh, .w = p->ow, .k = p->c, .r = p->r, .s = p->s,
      .stride_h = 1, .stride_w = 1, .pad_h = p->r - 1 - p->pad_h, .pad_w = p->s - 1 - p->pad_w,
      .oh = p->h, .ow = p->w};
}

/* ---- forward ---- */

cnn_status cnn_conv_direct_forward(cnn_context *ctx, const struct cnn_conv_problem *p,
                                   const float *x, const float *w, const float *bias,
                                   int relu, float *y) {
  const struct cnn_kernels *k = ctx->kernels;
  const int kd = p->c * p->r * p->s;
  const int team = cnn_team_size(ctx->num_threads);
  struct direct_job job = {.k = k, .gemm_count = 1, .src = x, .dst = y,
                           .epi = {bias, relu}};
  job.src_image = (size_t)p->c * p->h * p->w;
  job.dst_image = (size_t)p->k * p->oh * p->ow;
  cnn_direct_forward_planes(p, &job.planes);
  struct cnn_direct_gemm g = {.m = p->k, .kd = kd, .out_h = p->oh, .out_w = p->ow,
                              .ld = job.planes.w, .dst_plane = (size_t)p->oh * p->ow,
                              .dst_w = p->ow, .sy = 1, .sx = 1};
  size_t first_tile[2] = {0, cnn_direct_gemm_tiles(k, &g)};
  job.first_tile = first_tile;
  job.gemms = &g;
  size_t max_row = 0;
  for (int r = 0; r < p->r; r++)
    for (int s = 0; s < p->s; s++) {
      const size_t row = (size_t)cnn_direct_forward_row(p, &job.planes, p->c - 1, r, s);
      if (row > max_row) max_row = row;
    }
  if (!job.planes.in_place)
    cnn_direct_planes_reserve(&job.planes, max_row, cnn_direct_gemm_reach(k, &g));

  struct direct_thread threads[team];
  struct cnn_scratch s = {0};
  for (int pass = 0; pass < 2; pass++) {
    g.rows = cnn_scratch_take(&s, sizeof(int32_t) * kd);
    g.a = cnn_scratch_take(&s, sizeof(float) * cnn_direct_gemm_a_len(k, p->k, kd));
    size_t *offsets = cnn_scratch_take(&s, sizeof(size_t) * kd);
    int32_t *stage_rows = cnn_scratch_take(&s, sizeof(int32_t) * kd);
    job.stage_rows = stage_rows;
    take_threads(&s, &job, kd, p->k, team, pass ? threads : NULL);
    if (pass == 0) {
      s.base = cnn_context_scratch(ctx, s.used);
      if (!s.base) return CNN_STATUS_OUT_OF_MEMORY;
      s.used = 0;
      continue;
    }
    int32_t *rows = (int32_t *)g.rows;
    cnn_direct_forward_steps(p, &job.planes, rows);
    for (int i = 0; i < kd; i++) stage_rows[i] = (int32_t)((size_t)i * k->conv_direct_nr);
    cnn_direct_pack_forward_filters(k->conv_direct_mr, p, w, 0, offsets, (float *)g.a);
  }
  execute(&job, p->n, team, threads);
  return CNN_STATUS_OK;
}

/* ---- backward-data ---- */

/* Taps of filter size `size` in stride phase q: r = q + t*stride, t < count. */
static int phase_taps(int size, int stride, int q) {
  return q < size ? (size - q + stride - 1) / stride : 0;
}

/* The dx rows (or columns) of phase q, in padded coordinates a*stride + q:
 * a in [*lo, *lo + return value), covering the real pixels only. */
static int phase_outputs(int size, int pad, int stride, int q, int *lo) {
  *lo = q >= pad ? 0 : (pad - q + stride - 1) / stride;
  const int last = pad + size - 1 - q; /* largest a*stride */
  if (last < 0) return 0;
  const int hi = last / stride;
  return hi >= *lo ? hi - *lo + 1 : 0;
}

struct phase {
  int qy, qx;     /* stride phase of dx */
  int th, tw;     /* taps: r = qy + t*stride_h, t < th (likewise s) */
  int a_lo, b_lo; /* first dx row and column, in phase coordinates */
  int oh, ow;     /* dx rows and columns of the phase */
};

/* Nonzero when phase (qy, qx) of dx holds real pixels. */
static int phase_of(const struct cnn_conv_problem *p, int qy, int qx, struct phase *ph) {
  ph->qy = qy;
  ph->qx = qx;
  ph->th = phase_taps(p->r, p->stride_h, qy);
  ph->tw = phase_taps(p->s, p->stride_w, qx);
  ph->oh = phase_outputs(p->h, p->pad_h, p->stride_h, qy, &ph->a_lo);
  ph->ow = phase_outputs(p->w, p->pad_w, p->stride_w, qx, &ph->b_lo);
  return ph->oh > 0 && ph->ow > 0;
}

/* The dy planes every phase reads: dy row a - t at plane row a - t + top,
 * never negative, and tall and wide enough for every phase's outputs. */
static int backward_data_planes(const struct cnn_conv_problem *p,
                                struct cnn_direct_planes *planes) {
  int top = 0, left = 0, rows_end = p->oh, cols_end = p->ow, count = 0;
  struct phase ph;
  for (int qy = 0; qy < p->stride_h; qy++)
    for (int qx = 0; qx < p->stride_w; qx++) {
      if (!phase_of(p, qy, qx, &ph)) continue;
      count++;
      if (ph.th - 1 - ph.a_lo > top) top = ph.th - 1 - ph.a_lo;
      if (ph.tw - 1 - ph.b_lo > left) left = ph.tw - 1 - ph.b_lo;
      if (ph.a_lo + ph.oh > rows_end) rows_end = ph.a_lo + ph.oh;
      if (ph.b_lo + ph.ow > cols_end) cols_end = ph.b_lo + ph.ow;
    }
  *planes = (struct cnn_direct_planes){
      .channels = p->k, .src_h = p->oh, .src_w = p->ow, .step_y = 1, .step_x = 1,
      .origin_y = top, .origin_x = left, .h = top + rows_end, .w = left + cols_end};
  planes->len = (size_t)p->k * planes->h * planes->w;
  /* dy serves as its own planes only when every step reads it unshifted
   * (1x1, stride 1, no padding): a step shifted right or down would read
   * the last channel's rows past the end of the image by the shift. */
  planes->in_place = p->r == 1 && p->s == 1 && p->stride_h == 1 && p->stride_w == 1 &&
                     p->pad_h == 0 && p->pad_w == 0;
  return count;
}

/* The GEMM of one phase (without rows and filters). */
static struct cnn_direct_gemm phase_gemm(const struct cnn_conv_problem *p,
                                         const struct cnn_direct_planes *planes,
                                         const struct phase *ph) {
  return (struct cnn_direct_gemm){
      .m = p->c, .kd = p->k * ph->th * ph->tw, .out_h = ph->oh, .out_w = ph->ow,
      .ld = planes->w, .dst_plane = (size_t)p->h * p->w, .dst_w = p->w,
      .y0 = ph->a_lo * p->stride_h + ph->qy - p->pad_h,
      .x0 = ph->b_lo * p->stride_w + ph->qx - p->pad_w,
      .sy = p->stride_h, .sx = p->stride_w};
}

/* Step (kk, t, u) of a phase: its plane offset and its filter tap. */
static void phase_rows(const struct cnn_conv_problem *p,
                       const struct cnn_direct_planes *planes, const struct phase *ph,
                       int32_t *rows, size_t *taps) {
  size_t i = 0;
  for (int kk = 0; kk < p->k; kk++)
    for (int t = 0; t < ph->th; t++)
      for (int u = 0; u < ph->tw; u++, i++) {
        rows[i] = (int32_t)(((size_t)kk * planes->h + (size_t)(ph->a_lo - t + planes->origin_y)) *
                                planes->w +
                            (size_t)(ph->b_lo - u + planes->origin_x));
        taps[i] = ((size_t)kk * p->c * p->r + (size_t)(ph->qy + t * p->stride_h)) * p->s +
                  (size_t)(ph->qx + u * p->stride_w);
      }
}

cnn_status cnn_conv_direct_backward_data(cnn_context *ctx,
                                         const struct cnn_conv_problem *p,
                                         const float *dy, const float *w, float *dx) {
  if (cnn_conv_direct_rows_backward_data_suits(ctx, p))
    return cnn_conv_direct_rows_backward_data(ctx, p, dy, w, dx);
  if (cnn_conv_direct_k_backward_data_suits(ctx, p))
    return cnn_conv_direct_k_backward_data(ctx, p, dy, w, dx);
  if (cnn_conv_dgrad_kv_suits(ctx, p)) return cnn_conv_dgrad_kv(ctx, p, dy, w, dx);
  if (cnn_conv_dgrad_cv_suits(ctx, p)) return cnn_conv_dgrad_cv(ctx, p, dy, w, dx);
  const struct cnn_kernels *k = ctx->kernels;
  const int team = cnn_team_size(ctx->num_threads);
  struct direct_job job = {.k = k, .src = dy, .dst = dx};
  job.src_image = (size_t)p->k * p->oh * p->ow;
  job.dst_image = (size_t)p->c * p->h * p->w;
  const int count = backward_data_planes(p, &job.planes);
  job.gemm_count = count;

  /* Geometry of every phase, the reach of its tiles, the largest kd. */
  struct phase phases[count > 0 ? count : 1];
  struct cnn_direct_gemm gemms[count > 0 ? count : 1];
  size_t first_tile[count + 1];
  int max_kd = 1;
  first_tile[0] = 0;
  for (int qy = 0, i = 0; qy < p->stride_h; qy++)
    for (int qx = 0; qx < p->stride_w; qx++) {
      struct phase ph; /* phases[] only has room for the phases with pixels */
      if (!phase_of(p, qy, qx, &ph)) continue;
      phases[i] = ph;
      gemms[i] = phase_gemm(p, &job.planes, &phases[i]);
      first_tile[i + 1] = first_tile[i] + cnn_direct_gemm_tiles(k, &gemms[i]);
      if (gemms[i].kd > max_kd) max_kd = gemms[i].kd;
      if (!job.planes.in_place && gemms[i].kd > 0) {
        /* The largest offset is step (K-1, 0, 0). */
        const struct phase *ph = &phases[i];
        const size_t max_row =
            ((size_t)(p->k - 1) * job.planes.h + (size_t)(ph->a_lo + job.planes.origin_y)) *
                job.planes.w +
            (size_t)(ph->b_lo + job.planes.origin_x);
        cnn_direct_planes_reserve(&job.planes, max_row, cnn_direct_gemm_reach(k, &gemms[i]));
      }
      i++;
    }
  job.gemms = gemms;
  job.first_tile = first_tile;

  struct direct_thread threads[team];
  struct cnn_scratch s = {0};
  for (int pass = 0; pass < 2; pass++) {
    for (int i = 0; i < count; i++) {
      gemms[i].rows = cnn_scratch_take(&s, sizeof(int32_t) * gemms[i].kd);
      gemms[i].a = cnn_scratch_take(&s, sizeof(float) * cnn_direct_gemm_a_len(k, p->c, gemms[i].kd));
    }
    size_t *taps = cnn_scratch_take(&s, sizeof(size_t) * max_kd);
    int32_t *stage_rows = cnn_scratch_take(&s, sizeof(int32_t) * max_kd);
    job.stage_rows = stage_rows;
    take_threads(&s, &job, max_kd, p->c, team, pass ? threads : NULL);
    if (pass == 0) {
      s.base = cnn_context_scratch(ctx, s.used);
      if (!s.base) return CNN_STATUS_OUT_OF_MEMORY;
      s.used = 0;
      continue;
    }
    for (int i = 0; i < max_kd; i++) stage_rows[i] = (int32_t)((size_t)i * k->conv_direct_nr);
    for (int i = 0; i < count; i++) {
      phase_rows(p, &job.planes, &phases[i], (int32_t *)gemms[i].rows, taps);
      cnn_direct_gemm_pack_a(k, p->c, gemms[i].kd, w, (size_t)p->r * p->s, taps,
                             (float *)gemms[i].a);
    }
  }
  execute(&job, p->n, team, threads);
  return CNN_STATUS_OK;
}
