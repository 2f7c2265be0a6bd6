/* The direct path's backward-weights pass:
 *   dw[k][c,r,s] = sum_{n,o} dyq[n][k][o] * planes_n[row(c,r,s) + o]
 * over the forward planes of every image (conv/direct_planes.h), where dyq
 * is dy laid out in the planes' flattened rows with zeros in the discarded
 * columns, so that they add nothing. Two engines compute it:
 * - GEMM: per block of positions o, dyq is packed into A panels and the
 *   planes' rows gathered into dense B panels, and the conv_direct
 *   micro-kernel (whose B rows are then simply consecutive) accumulates dw
 *   tiles; best when there are enough filters to amortise the gathering.
 * - dot: the conv_wgrad micro-kernel computes MR x NR tiles of dw as dot
 *   products along o, reading the planes in place; for few filters.
 *
 * Threads take contiguous runs of images, each summing into its own partial
 * gradient; the partials are then added in thread order, so the result is
 * bit-identical for a given thread count. With fewer images than threads,
 * the threads split the tiles of dw instead. */
#include <string.h>

#include "conv/conv_direct.h"
#include "conv/direct_planes.h"
#include "conv/direct_scratch.h"
#include "runtime/context.h"
#include "runtime/parallel.h"

static size_t round_up(size_t x, size_t to) { return (x + to - 1) / to * to; }

/* Positions per GEMM block: a kc x NR B panel stays in L1 or near it. */
enum { GEMM_KC = 128 };

struct wgrad_job {
  const struct cnn_conv_problem *p;
  int use_gemm;
  const struct cnn_kernels *k;
  struct cnn_direct_planes planes;
  const int32_t *rows;  /* kd_pad offsets, the last repeated */
  size_t len;           /* flattened output positions per image */
  size_t ld_dy;         /* row stride of dyq */
  size_t k_pad, kd_pad; /* dw tile grid */
  const int32_t *panel_rows; /* GEMM: row p of a packed B panel at p*NR */
  int dy_in_place;      /* dy itself serves as dyq */
  const float *x, *dy;
};

struct wgrad_thread {
  float *planes, *dyq, *partial;
  float *packed_a, *packed_b; /* GEMM engine */
};

static const float *image_planes(const struct wgrad_job *job, int i, float *buffer) {
  const float *src = job->x + (size_t)i * job->p->c * job->p->h * job->p->w;
  if (job->planes.in_place) return src;
  cnn_direct_build_planes(&job->planes, src, buffer, 0, cnn_direct_plane_count(&job->planes));
  return buffer;
}

static const float *image_dyq(const struct wgrad_job *job, int i, float *buffer) {
  const struct cnn_conv_problem *p = job->p;
  const float *src = job->dy + (size_t)i * p->k * p->oh * p->ow;
  if (job->dy_in_place) return src;
  const size_t ld = (size_t)job->planes.w;
  for (size_t kk = 0; kk < job->k_pad; kk++) {
    float *row = buffer + kk * job->ld_dy;
    if (kk >= (size_t)p->k) {
      memset(row, 0, sizeof(float) * job->ld_dy);
      continue;
    }
    for (int y = 0; y < p->oh; y++) {
      memcpy(row + y * ld, src + ((size_t)kk * p->oh + y) * p->ow, sizeof(float) * p->ow);
      memset(row + y * ld + p->ow, 0, sizeof(float) * (ld - p->ow));
    }
    memset(row + job->len, 0, sizeof(float) * (job->ld_dy - job->len));
  }
  return buffer;
}

/* Tiles [first, last) of dw (numbered row-major over the tile grid) from
 * one image, into out (k_pad x kd_pad). */
static void run_tiles(const struct wgrad_job *job, const float *planes, const float *dyq,
                      size_t first, size_t last, float *out, int accumulate) {
  const size_t mr = (size_t)job->k->conv_wgrad_mr, nr = (size_t)job->k->conv_wgrad_nr;
  const size_t cols = job->kd_pad / nr;
  for (size_t t = first; t < last; t++) {
    const size_t m0 = t / cols * mr, p0 = t % cols * nr;
    job->k->conv_wgrad(job->len, dyq + m0 * job->ld_dy, job->ld_dy, planes, job->rows + p0,
                       out + m0 * job->kd_pad + p0, job->kd_pad, accumulate);
  }
}

/* GEMM engine: p-panels [first, last) of dw (NR columns each) from one
 * image into out (k_pad x kd_pad), all filters. */
static void run_gemm(const struct wgrad_job *job, const float *planes, const float *dyq,
                     size_t first, size_t last, const struct wgrad_thread *th, float *out,
                     int accumulate) {
  const struct cnn_kernels *k = job->k;
  const size_t mr = (size_t)k->conv_direct_mr, nr = (size_t)k->conv_direct_nr;
  for (size_t o0 = 0; o0 < job->len; o0 += GEMM_KC) {
    const size_t kc = job->len - o0 < GEMM_KC ? job->len - o0 : GEMM_KC;
    /* A: filter rows of dyq, MR per panel. */
    for (size_t m0 = 0; m0 < job->k_pad; m0 += mr) {
      float *panel = th->packed_a + m0 * kc;
      for (size_t i = 0; i < mr; i++) {
        const float *row = dyq + (m0 + i) * job->ld_dy + o0;
        for (size_t o = 0; o < kc; o++) panel[o * mr + i] = row[o];
      }
    }
    for (size_t pp = first; pp < last; pp++) {
      /* B: the planes' rows of NR steps, gathered. */
      const int32_t *rows = job->rows + pp * nr;
      for (size_t j = 0; j < nr; j++) {
        const float *row = planes + rows[j] + o0;
        for (size_t o = 0; o < kc; o++) th->packed_b[o * nr + j] = row[o];
      }
      for (size_t m0 = 0; m0 < job->k_pad; m0 += mr)
        k->conv_direct(mr, nr, kc, th->packed_a + m0 * kc, th->packed_b, job->panel_rows,
                       out + m0 * job->kd_pad + pp * nr, job->kd_pad, accumulate || o0 > 0);
    }
  }
}

static void bias_gradient(const struct cnn_conv_problem *p, const float *dy, float *dbias,
                          int team) {
  const size_t plane = (size_t)p->oh * p->ow;
  CNN_OMP(parallel for num_threads(team) schedule(static) if (team > 1))
  for (int kk = 0; kk < p->k; kk++) {
    float sum = 0.0f;
    for (int i = 0; i < p->n; i++) {
      const float *g = dy + ((size_t)i * p->k + kk) * plane;
      for (size_t o = 0; o < plane; o++) sum += g[o];
    }
    dbias[kk] = sum;
  }
}

/* The engine: GEMM when the filters amortise gathering B panels. */
static int wants_gemm(const struct cnn_conv_problem *p) { return p->k >= 16; }

/* Runs the engine over dw tile columns [first, last) (p-panels for GEMM,
 * whole tiles in row-major order for dot) of one image. */
static void run_engine(const struct wgrad_job *job, const float *planes, const float *dyq,
                       size_t first, size_t last, const struct wgrad_thread *th,
                       float *out, int accumulate) {
  if (job->use_gemm)
    run_gemm(job, planes, dyq, first, last, th, out, accumulate);
  else
    run_tiles(job, planes, dyq, first, last, out, accumulate);
}

cnn_status cnn_conv_direct_backward_weights(cnn_context *ctx,
                                            const struct cnn_conv_problem *p,
                                            const float *x, const float *dy,
                                            float *dw, float *dbias) {
  const struct cnn_kernels *k = ctx->kernels;
  const int team = cnn_team_size(ctx->num_threads);
  const size_t kd = (size_t)p->c * p->r * p->s;
  struct wgrad_job job = {.p = p, .k = k, .x = x, .dy = dy, .use_gemm = wants_gemm(p)};
  const size_t mr = (size_t)(job.use_gemm ? k->conv_direct_mr : k->conv_wgrad_mr);
  const size_t nr = (size_t)(job.use_gemm ? k->conv_direct_nr : k->conv_wgrad_nr);
  cnn_direct_forward_planes(p, &job.planes);
  job.len = (size_t)p->oh * job.planes.w;
  job.k_pad = round_up((size_t)p->k, mr);
  job.kd_pad = round_up(kd, nr);
  job.dy_in_place = job.planes.in_place && job.k_pad == (size_t)p->k;
  job.ld_dy = job.dy_in_place ? job.len : round_up(job.len, 16);
  const size_t max_row = (size_t)cnn_direct_forward_row(p, &job.planes, p->c - 1, p->r - 1, p->s - 1);
  if (!job.planes.in_place) cnn_direct_planes_reserve(&job.planes, max_row, job.len);

  const int by_image = p->n >= team;
  const size_t grid = job.k_pad * job.kd_pad;
  /* The units threads split when they share an image. */
  const size_t units = job.use_gemm ? job.kd_pad / nr : grid / (mr * nr);
  struct wgrad_thread threads[team];
  float *shared_out = NULL;
  struct cnn_scratch s = {0};
  for (int pass = 0; pass < 2; pass++) {
    int32_t *rows = cnn_scratch_take(&s, sizeof(int32_t) * job.kd_pad);
    int32_t *panel_rows = cnn_scratch_take(&s, sizeof(int32_t) * GEMM_KC);
    job.rows = rows;
    job.panel_rows = panel_rows;
    if (!by_image) shared_out = cnn_scratch_take(&s, sizeof(float) * grid);
    for (int t = 0; t < team; t++) {
      struct wgrad_thread th = {0};
      if (!job.planes.in_place) th.planes = cnn_scratch_take(&s, sizeof(float) * job.planes.len);
      if (!job.dy_in_place) th.dyq = cnn_scratch_take(&s, sizeof(float) * job.k_pad * job.ld_dy);
      if (by_image) th.partial = cnn_scratch_take(&s, sizeof(float) * grid);
      if (job.use_gemm) {
        th.packed_a = cnn_scratch_take(&s, sizeof(float) * job.k_pad * GEMM_KC);
        th.packed_b = cnn_scratch_take(&s, sizeof(float) * GEMM_KC * nr);
      }
      if (pass) threads[t] = th;
    }
    if (pass == 0) {
      s.base = cnn_context_scratch(ctx, s.used);
      if (!s.base) return CNN_STATUS_OUT_OF_MEMORY;
      s.used = 0;
      continue;
    }
    for (size_t i = 0, c = 0; c < (size_t)p->c; c++)
      for (int r = 0; r < p->r; r++)
        for (int q = 0; q < p->s; q++) rows[i++] = cnn_direct_forward_row(p, &job.planes, (int)c, r, q);
    for (size_t i = kd; i < job.kd_pad; i++) rows[i] = rows[kd - 1];
    for (size_t i = 0; i < GEMM_KC; i++) panel_rows[i] = (int32_t)(i * nr);
  }

  if (by_image) {
    CNN_OMP(parallel num_threads(team) if (team > 1)) {
      const struct wgrad_thread *th = &threads[cnn_thread_index()];
      int started = 0;
      CNN_OMP(for schedule(static))
      for (int i = 0; i < p->n; i++) {
        const float *planes = image_planes(&job, i, th->planes);
        run_engine(&job, planes, image_dyq(&job, i, th->dyq), 0, units, th, th->partial,
                   started);
        started = 1;
      }
      if (!started) memset(th->partial, 0, sizeof(float) * grid);
      /* Sum the partials in thread order, rows of dw split over threads. */
      CNN_OMP(for schedule(static))
      for (int kk = 0; kk < p->k; kk++)
        for (size_t c = 0; c < kd; c++) {
          float sum = threads[0].partial[kk * job.kd_pad + c];
          for (int t = 1; t < team; t++) sum += threads[t].partial[kk * job.kd_pad + c];
          dw[kk * kd + c] = sum;
        }
    }
  } else {
    CNN_OMP(parallel num_threads(team) if (team > 1)) {
      const struct wgrad_thread *th = &threads[cnn_thread_index()];
      for (int i = 0; i < p->n; i++) {
        CNN_OMP(single) {
          image_planes(&job, i, threads[0].planes);
          image_dyq(&job, i, threads[0].dyq);
        }
        const float *planes = job.planes.in_place ? image_planes(&job, i, NULL) : threads[0].planes;
        const float *dyq = job.dy_in_place ? image_dyq(&job, i, NULL) : threads[0].dyq;
        CNN_OMP(for schedule(static))
        for (size_t u = 0; u < units; u++)
          run_engine(&job, planes, dyq, u, u + 1, th, shared_out, i > 0);
      }
    }
    for (int kk = 0; kk < p->k; kk++)
      memcpy(dw + kk * kd, shared_out + kk * job.kd_pad, sizeof(float) * kd);
  }
  if (dbias) bias_gradient(p, dy, dbias, team);
  return CNN_STATUS_OK;
}
