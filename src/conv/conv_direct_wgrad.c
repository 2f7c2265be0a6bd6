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
 * bit-identical for a given thread count. The dot engine takes a thread's
 * images in cache-sized groups, its partial sums staying in registers
 * across a group. With fewer images than threads, the threads split the
 * tiles of dw instead. */
#include <string.h>

#include "conv/conv_direct.h"
#include "conv/direct_planes.h"
#include "conv/direct_scratch.h"
#include "runtime/context.h"
#include "runtime/parallel.h"
#include "runtime/topology.h"

static size_t round_up(size_t x, size_t to) { return (x + to - 1) / to * to; }

/* Positions per GEMM block: a kc x NR B panel stays in L1 or near it. */
enum { GEMM_KC = 128 };
/* Bytes of planes and dyq of one group of images of the dot engine. */
enum { GROUP_BYTES = 192 << 10, MAX_GROUP = 64 };

struct wgrad_job {
  const struct cnn_conv_problem *p;
  int use_gemm;
  const struct cnn_conv_wgrad_variant *dot; /* the dot engine's tile */
  const struct cnn_kernels *k;
  struct cnn_direct_planes planes;
  const int32_t *rows;  /* kd_pad offsets, the last repeated */
  size_t len;           /* flattened output positions per image */
  size_t ld_dy;         /* row stride of dyq */
  size_t k_pad, kd_pad; /* dw tile grid */
  const int32_t *panel_rows; /* GEMM: row p of a packed B panel at p*NR */
  int dy_in_place;      /* dy itself serves as dyq */
  size_t group;         /* images per engine call */
  size_t x_batch, dy_batch; /* image strides of the planes and of dyq */
  const float *x, *dy;
};

struct wgrad_thread {
  float *planes, *dyq, *partial;
  float *packed_a, *packed_b; /* GEMM engine */
};

/* The planes of images [i, i + count) at stride job->x_batch. */
static const float *image_planes(const struct wgrad_job *job, int i, size_t count,
                                 float *buffer) {
  const size_t image = (size_t)job->p->c * job->p->h * job->p->w;
  if (job->planes.in_place) return job->x + (size_t)i * image;
  for (size_t b = 0; b < count; b++)
    cnn_direct_build_planes(&job->planes, job->x + (i + b) * image, buffer + b * job->x_batch,
                            0, cnn_direct_plane_count(&job->planes));
  return buffer;
}

/* One image of dy in the planes' flattened rows. */
static void build_dyq(const struct wgrad_job *job, const float *src, float *buffer) {
  const struct cnn_conv_problem *p = job->p;
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
}

/* dyq of images [i, i + count) at stride job->dy_batch. */
static const float *image_dyq(const struct wgrad_job *job, int i, size_t count,
                              float *buffer) {
  const size_t image = (size_t)job->p->k * job->p->oh * job->p->ow;
  if (job->dy_in_place) return job->dy + (size_t)i * image;
  for (size_t b = 0; b < count; b++)
    build_dyq(job, job->dy + (i + b) * image, buffer + b * job->dy_batch);
  return buffer;
}

/* Tiles [first, last) of dw (numbered row-major over the tile grid) from
 * `count` images, into out (k_pad x kd_pad). */
static void run_tiles(const struct wgrad_job *job, const float *planes, const float *dyq,
                      size_t count, size_t first, size_t last, float *out, int accumulate) {
  const size_t mr = (size_t)job->dot->mr, nr = (size_t)job->dot->nr;
  const size_t cols = job->kd_pad / nr;
  for (size_t t = first; t < last; t++) {
    const size_t m0 = t / cols * mr, p0 = t % cols * nr;
    job->dot->fn(count, job->len, dyq + m0 * job->ld_dy, job->ld_dy, job->dy_batch,
                       planes, job->x_batch, job->rows + p0, out + m0 * job->kd_pad + p0,
                       job->kd_pad, accumulate);
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
      k->conv_pack(kc, nr, planes + o0, job->rows + pp * nr, th->packed_b);
      for (size_t m0 = 0; m0 < job->k_pad; m0 += mr)
        k->conv_direct(mr, nr, kc, th->packed_a + m0 * kc, th->packed_b, job->panel_rows,
                       out + m0 * job->kd_pad + pp * nr, job->kd_pad, accumulate || o0 > 0);
    }
  }
}

/* dbias[k] = sum of dy over images and positions, in lanes of 16 partial
 * sums (so the compiler vectorises it) reduced in a fixed order. */
static void bias_gradient(const struct cnn_conv_problem *p, const float *dy, float *dbias,
                          int team) {
  enum { LANES = 16 };
  const size_t plane = (size_t)p->oh * p->ow, body = plane / LANES * LANES;
  CNN_OMP(parallel for num_threads(team) schedule(static) if (team > 1))
  for (int kk = 0; kk < p->k; kk++) {
    float lanes[LANES] = {0};
    float rest = 0.0f;
    for (int i = 0; i < p->n; i++) {
      const float *g = dy + ((size_t)i * p->k + kk) * plane;
      for (size_t o = 0; o < body; o += LANES)
        for (int l = 0; l < LANES; l++) lanes[l] += g[o + l];
      for (size_t o = body; o < plane; o++) rest += g[o];
    }
    float sum = rest;
    for (int l = 0; l < LANES; l++) sum += lanes[l];
    dbias[kk] = sum;
  }
}

/* The engine. The dot engine reads each image's planes and dyq once per
 * tile of dw, so it wants them near the core; with several threads those
 * streams share the L3 and its bandwidth. Measured on Zen 4: the dot engine
 * beats the GEMM engine on every shape of bench/conv_shapes.csv whose
 * planes and dyq, times the threads, fit in twice the L2; the GEMM engine,
 * blocking positions, wins on the larger ones (1x1 convolutions of big
 * images at 1 thread; alex_c1 at 2). */
static int wants_gemm(const struct wgrad_job *job, int team) {
  const size_t bytes = sizeof(float) * (job->x_batch + job->dy_batch);
  return bytes * (size_t)team > 2 * cnn_topology()->l2;
}

/* Runs the engine over dw tile columns [first, last) (p-panels for GEMM,
 * whole tiles in row-major order for dot) of one image. */
static void run_engine(const struct wgrad_job *job, const float *planes, const float *dyq,
                       size_t count, size_t first, size_t last,
                       const struct wgrad_thread *th, float *out, int accumulate) {
  if (job->use_gemm)
    run_gemm(job, planes, dyq, first, last, th, out, accumulate);
  else
    run_tiles(job, planes, dyq, count, first, last, out, accumulate);
}

static int team_now(void) {
#ifdef _OPENMP
  return omp_get_num_threads();
#else
  return 1;
#endif
}

cnn_status cnn_conv_direct_backward_weights(cnn_context *ctx,
                                            const struct cnn_conv_problem *p,
                                            const float *x, const float *dy,
                                            float *dw, float *dbias) {
  const struct cnn_kernels *k = ctx->kernels;
  const int team = cnn_team_size(ctx->num_threads);
  const size_t kd = (size_t)p->c * p->r * p->s;
  struct wgrad_job job = {.p = p, .k = k, .x = x, .dy = dy};
  /* The dot tile that pads the filters and taps least. */
  job.dot = &k->conv_wgrad[0];
  for (int v = 1; v < k->conv_wgrad_count; v++) {
    const struct cnn_conv_wgrad_variant *t = &k->conv_wgrad[v];
    if (round_up((size_t)p->k, t->mr) * round_up(kd, t->nr) <
        round_up((size_t)p->k, job.dot->mr) * round_up(kd, job.dot->nr))
      job.dot = t;
  }
  cnn_direct_forward_planes(p, &job.planes);
  job.len = (size_t)p->oh * job.planes.w;
  const size_t max_row = (size_t)cnn_direct_forward_row(p, &job.planes, p->c - 1, p->r - 1, p->s - 1);
  if (!job.planes.in_place) cnn_direct_planes_reserve(&job.planes, max_row, job.len);
  job.x_batch = job.planes.in_place ? (size_t)p->c * p->h * p->w : job.planes.len;
  /* Choose the engine on the dot engine's sizes, then size for the one chosen. */
  for (int engine = 0; engine < 2; engine++) {
    const size_t mr = (size_t)(job.use_gemm ? k->conv_direct_mr : job.dot->mr);
    const size_t nr = (size_t)(job.use_gemm ? k->conv_direct_nr : job.dot->nr);
    job.k_pad = round_up((size_t)p->k, mr);
    job.kd_pad = round_up(kd, nr);
    job.dy_in_place = job.planes.in_place && job.k_pad == (size_t)p->k;
    job.ld_dy = job.dy_in_place ? job.len : round_up(job.len, 16);
    job.dy_batch = job.dy_in_place ? (size_t)p->k * p->oh * p->ow : job.k_pad * job.ld_dy;
    if (engine == 0) job.use_gemm = wants_gemm(&job, team);
  }
  const size_t mr = (size_t)(job.use_gemm ? k->conv_direct_mr : job.dot->mr);
  const size_t nr = (size_t)(job.use_gemm ? k->conv_direct_nr : job.dot->nr);
  const int by_image = p->n >= team;
  job.group = 1;
  if (!job.use_gemm && by_image) {
    const size_t bytes = sizeof(float) * ((job.planes.in_place ? 0 : job.x_batch) +
                                          (job.dy_in_place ? 0 : job.dy_batch));
    job.group = bytes ? GROUP_BYTES / bytes : MAX_GROUP;
    if (job.group < 1) job.group = 1;
    if (job.group > MAX_GROUP) job.group = MAX_GROUP;
  }

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
      if (!job.planes.in_place)
        th.planes = cnn_scratch_take(&s, sizeof(float) * job.x_batch * job.group);
      if (!job.dy_in_place)
        th.dyq = cnn_scratch_take(&s, sizeof(float) * job.dy_batch * job.group);
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
      const int tid = cnn_thread_index(), threads_now = team_now();
      const struct wgrad_thread *th = &threads[tid];
      /* This thread's contiguous run of images. */
      const int base = p->n / threads_now, extra = p->n % threads_now;
      const int first = tid * base + (tid < extra ? tid : extra);
      const int end = first + base + (tid < extra);
      int started = 0;
      for (int i = first; i < end; i += (int)job.group) {
        const size_t count = (size_t)(end - i) < job.group ? (size_t)(end - i) : job.group;
        const float *planes = image_planes(&job, i, count, th->planes);
        const float *dyq = image_dyq(&job, i, count, th->dyq);
        run_engine(&job, planes, dyq, count, 0, units, th, th->partial, started);
        started = 1;
      }
      if (!started) memset(th->partial, 0, sizeof(float) * grid);
      CNN_OMP(barrier)
      /* Sum the partials in thread order, rows of dw split over threads. */
      CNN_OMP(for schedule(static))
      for (int kk = 0; kk < p->k; kk++)
        for (size_t c = 0; c < kd; c++) {
          float sum = threads[0].partial[kk * job.kd_pad + c];
          for (int t = 1; t < threads_now; t++) sum += threads[t].partial[kk * job.kd_pad + c];
          dw[kk * kd + c] = sum;
        }
    }
  } else {
    CNN_OMP(parallel num_threads(team) if (team > 1)) {
      const struct wgrad_thread *th = &threads[cnn_thread_index()];
      for (int i = 0; i < p->n; i++) {
        CNN_OMP(single) {
          image_planes(&job, i, 1, threads[0].planes);
          image_dyq(&job, i, 1, threads[0].dyq);
        }
        const float *planes = job.planes.in_place ? image_planes(&job, i, 1, NULL) : threads[0].planes;
        const float *dyq = job.dy_in_place ? image_dyq(&job, i, 1, NULL) : threads[0].dyq;
        CNN_OMP(for schedule(static))
        for (size_t u = 0; u < units; u++)
          run_engine(&job, planes, dyq, 1, u, u + 1, th, shared_out, i > 0);
      }
    }
    for (int kk = 0; kk < p->k; kk++)
      memcpy(dw + kk * kd, shared_out + kk * job.kd_pad, sizeof(float) * kd);
  }
  if (dbias) bias_gradient(p, dy, dbias, team);
  return CNN_STATUS_OK;
}
