/* The direct path's backward-weights pass:
 *   dw[k][c,r,s] = sum_{n,o} dyq[n][k][o] * planes_n[row(c,r,s) + o]
 * over the forward planes of every image (conv/direct_planes.h), where dyq
 * is dy laid out in the planes' flattened rows with zeros in the discarded
 * columns, so that they add nothing. Two engines compute it:
 * - dot: the conv_wgrad micro-kernel computes MR x NR tiles of dw as dot
 *   products along o, reading the planes in place; for strided problems.
 * - filter-vector (kv): dy is packed channels-last, and the conv_wgrad_kv
 *   micro-kernel accumulates vectors of filters times broadcast plane
 *   values over the real output positions only (no discarded columns, no
 *   horizontal sums); for every stride-1 problem.
 *
 * The batch is cut into up to 4 blocks of consecutive images, and each
 * block into cache-sized groups, the engines' partial sums staying in
 * registers across a group; both sizes depend on the problem only. With
 * several blocks, threads take whole blocks, each summed group by group
 * into its own partial gradient, and the partials are added in block
 * order; with one (a single image, or gradients too large to keep two),
 * the threads split the units (tiles) of dw, each summed group by group.
 * Either way every sum is formed the same way whatever the thread count,
 * so the bits do not depend on it. */
#include <string.h>

#include "conv/conv_direct.h"
#include "conv/direct_pad.h"
#include "conv/direct_planes.h"
#include "conv/direct_scratch.h"
#include "runtime/context.h"
#include "runtime/parallel.h"

static size_t round_up(size_t x, size_t to) { return (x + to - 1) / to * to; }

/* Bytes of planes and dyq of one group of images (an engine call); the
 * most blocks a batch is cut into, and the most bytes of their partial
 * gradients, one per block (with room for only one, threads split the
 * units of dw instead). */
enum { GROUP_BYTES = 192 << 10, MAX_GROUP = 64, MAX_BLOCKS = 4, PARTIAL_BYTES = 8 << 20 };

enum engine { ENGINE_DOT, ENGINE_KV };

/* The kv engine's tiles of taps: rows (c, r) of the planes in blocks of
 * at most nrow, times chunks of consecutive s. */
struct kv_tiles {
  const struct cnn_conv_wgrad_kv_variant *v;
  const int32_t *rows; /* rows[ch*row_count + j]: row j = c*R + r at chunk ch */
  size_t row_count, row_tiles, chunks, k_blocks;
};

struct wgrad_job {
  const struct cnn_conv_problem *p;
  enum engine engine;
  const struct cnn_conv_wgrad_variant *dot; /* the dot engine's tile */
  struct kv_tiles kv;
  const struct cnn_kernels *k;
  struct cnn_direct_planes planes;
  const int32_t *rows;  /* kd_pad offsets, the last repeated */
  size_t len;           /* flattened output positions per image */
  size_t ld_dy;         /* row stride of dyq */
  size_t k_pad, kd_pad; /* dw tile grid */
  /* Element (filter, tap) of a partial gradient is at
   * filter*out_filter + tap*out_tap: [k_pad][kd_pad], or [kd][k_pad] (kv). */
  size_t out_filter, out_tap;
  int dy_in_place;      /* dy itself serves as dyq */
  size_t group;         /* images per engine call */
  size_t x_batch, dy_batch; /* image strides of the planes and of dyq */
  const float *x, *dy;
};

struct wgrad_thread {
  float *planes, *dyq, *partial;
};

/* The planes of images [i, i + count) at stride job->x_batch. */
static const float *image_planes(const struct wgrad_job *job, int i, size_t count,
                                 float *buffer) {
  const struct cnn_conv_problem *p = job->p;
  const struct cnn_direct_planes *pl = &job->planes;
  const size_t image = (size_t)p->c * p->h * p->w;
  if (pl->in_place) return job->x + (size_t)i * image;
  for (size_t b = 0; b < count; b++) {
    const float *src = job->x + (i + b) * image;
    float *dst = buffer + b * job->x_batch;
    /* The kv engine's planes (stride 1) are the padded image, their
     * padding zeroed once per pass. */
    if (job->engine == ENGINE_KV)
      cnn_direct_pad_interior(p->c, p->h, p->w, src, pl->h, pl->w, pl->origin_y,
                              pl->origin_x, dst);
    else
      cnn_direct_build_planes(pl, src, dst, 0, cnn_direct_plane_count(pl));
  }
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

/* dyq of images [i, i + count) at stride job->dy_batch (channels-last for
 * the kv engine). */
static const float *image_dyq(const struct wgrad_job *job, int i, size_t count,
                              float *buffer) {
  const struct cnn_conv_problem *p = job->p;
  const size_t positions = (size_t)p->oh * p->ow, image = (size_t)p->k * positions;
  if (job->dy_in_place) return job->dy + (size_t)i * image;
  for (size_t b = 0; b < count; b++) {
    const float *src = job->dy + (i + b) * image;
    if (job->engine == ENGINE_KV)
      job->k->conv_wgrad_kv_pack((size_t)p->k, positions, src, positions, job->k_pad,
                                 buffer + b * job->dy_batch);
    else
      build_dyq(job, src, buffer + b * job->dy_batch);
  }
  return buffer;
}

/* kv engine: units [first, last) of (filter block, row tile, chunk), from
 * `count` images, into out ([kd][k_pad], then the bias gradient's k_pad:
 * the first tile of each filter block sums dy on the way). */
static void run_kv(const struct wgrad_job *job, const float *planes, const float *dyq,
                   size_t count, size_t first, size_t last, float *out, int accumulate) {
  const struct cnn_conv_problem *p = job->p;
  const struct kv_tiles *kv = &job->kv;
  const struct cnn_conv_wgrad_kv_geometry g = {
      .batch = count, .oh = (size_t)p->oh, .ow = (size_t)p->ow, .ld_pos = job->k_pad,
      .dy_batch = job->dy_batch, .x_batch = job->x_batch, .x_row = (size_t)job->planes.w,
      .x_step = 1, .c_row = (size_t)p->s * job->k_pad, .c_tap = job->k_pad};
  const size_t per_block = kv->row_tiles * kv->chunks;
  for (size_t u = first; u < last; u++) {
    const size_t kb = u / per_block, rt = u % per_block / kv->chunks, ch = u % kv->chunks;
    const size_t j0 = rt * kv->row_count / kv->row_tiles;
    const size_t j1 = (rt + 1) * kv->row_count / kv->row_tiles;
    const size_t s0 = ch * (size_t)p->s / kv->chunks, s1 = (ch + 1) * (size_t)p->s / kv->chunks;
    const size_t lane0 = kb * (size_t)kv->v->lanes;
    float *bias = rt == 0 && ch == 0 ? out + job->kd_pad * job->k_pad + lane0 : NULL;
    kv->v->fn(&g, dyq + lane0, planes, kv->rows + ch * kv->row_count + j0, j1 - j0, s1 - s0,
              out + (j0 * p->s + s0) * job->k_pad + lane0, bias, accumulate);
  }
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

/* Runs the engine over units [first, last) of dw (whole tiles in
 * row-major order for dot) from `count` images. */
static void run_engine(const struct wgrad_job *job, const float *planes, const float *dyq,
                       size_t count, size_t first, size_t last, float *out, int accumulate) {
  if (job->engine == ENGINE_KV)
    run_kv(job, planes, dyq, count, first, last, out, accumulate);
  else
    run_tiles(job, planes, dyq, count, first, last, out, accumulate);
}

/* The kv variant that pads the filter count least (ties: the widest), or
 * NULL for strides other than 1 (taps s would not be consecutive in the
 * planes). Measured on Zen 4 at 1 thread, the kv engine beats the dot
 * engine on every stride-1 shape of bench/conv_shapes.csv (lenet_c2 90
 * against 55 GFLOP/s, simple_c1 68 against 55, vgg_3x3 105 against 93),
 * even with 6 filters in 8 lanes (lenet_c1). */
static const struct cnn_conv_wgrad_kv_variant *kv_variant(const struct cnn_kernels *k,
                                                          const struct cnn_conv_problem *p) {
  if (p->stride_h != 1 || p->stride_w != 1) return NULL;
  const struct cnn_conv_wgrad_kv_variant *best = NULL;
  for (int v = 0; v < k->conv_wgrad_kv_count; v++) {
    const struct cnn_conv_wgrad_kv_variant *t = &k->conv_wgrad_kv[v];
    if (!best || round_up((size_t)p->k, t->lanes) <= round_up((size_t)p->k, best->lanes))
      best = t;
  }
  return best;
}

/* The kv engine's tiles: s split into the fewest chunks of at most
 * CNN_WGRAD_KV_MAX_NS, rows in the fewest blocks the registers hold. */
static void kv_tiles_init(const struct cnn_conv_problem *p,
                          const struct cnn_conv_wgrad_kv_variant *v, size_t k_pad,
                          struct kv_tiles *kv) {
  kv->v = v;
  kv->row_count = (size_t)p->c * p->r;
  kv->chunks = ((size_t)p->s + CNN_WGRAD_KV_MAX_NS - 1) / CNN_WGRAD_KV_MAX_NS;
  const size_t ns = ((size_t)p->s + kv->chunks - 1) / kv->chunks;
  size_t nrow = (size_t)v->max_taps / ns;
  if (nrow > CNN_WGRAD_KV_MAX_ROWS) nrow = CNN_WGRAD_KV_MAX_ROWS;
  kv->row_tiles = (kv->row_count + nrow - 1) / nrow;
  kv->k_blocks = k_pad / (size_t)v->lanes;
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
  const struct cnn_conv_wgrad_kv_variant *kv = kv_variant(k, p);
  if (kv) {
    job.engine = ENGINE_KV;
    /* The kv engine reads only inside the image's extent: without padding
     * the image is its own plane. */
    if (p->pad_h == 0 && p->pad_w == 0) {
      job.planes.in_place = 1;
      job.x_batch = (size_t)p->c * p->h * p->w;
    }
    job.k_pad = round_up((size_t)p->k, (size_t)kv->lanes);
    job.kd_pad = kd;
    job.out_filter = 1;
    job.out_tap = job.k_pad;
    job.dy_batch = (size_t)p->oh * p->ow * job.k_pad;
    kv_tiles_init(p, kv, job.k_pad, &job.kv);
  } else {
    /* Measured on Zen 4, this engine is as fast as a GEMM over packed
     * panels at 1 thread on the strided shapes of bench/conv_shapes.csv
     * (resnet_s2, alex_c1) and faster at 2 (alex_c1 178 against 135
     * GFLOP/s): its streams fit the caches well enough. */
    job.engine = ENGINE_DOT;
    job.k_pad = round_up((size_t)p->k, (size_t)job.dot->mr);
    job.kd_pad = round_up(kd, (size_t)job.dot->nr);
    job.dy_in_place = job.planes.in_place && job.k_pad == (size_t)p->k;
    job.ld_dy = job.dy_in_place ? job.len : round_up(job.len, 16);
    job.dy_batch = job.dy_in_place ? (size_t)p->k * p->oh * p->ow : job.k_pad * job.ld_dy;
    job.out_filter = job.kd_pad;
    job.out_tap = 1;
  }
  /* The partial gradients; the kv engine's end with the bias gradient. */
  const size_t grid = job.k_pad * job.kd_pad + (job.engine == ENGINE_KV ? job.k_pad : 0);
  /* Blocks of images, and groups within them: from the problem alone,
   * never the thread count. */
  /* A power of two, so that 2 or 4 threads get equal shares. */
  size_t blocks = 1;
  while (blocks * 2 <= MAX_BLOCKS && blocks * 2 * sizeof(float) * grid <= PARTIAL_BYTES)
    blocks *= 2;
  const size_t per_block = ((size_t)p->n + blocks - 1) / blocks;
  blocks = ((size_t)p->n + per_block - 1) / per_block;
  const int by_block = blocks > 1;
  const size_t bytes = sizeof(float) * ((job.planes.in_place ? 0 : job.x_batch) +
                                        (job.dy_in_place ? 0 : job.dy_batch));
  job.group = bytes ? GROUP_BYTES / bytes : MAX_GROUP;
  if (job.group > MAX_GROUP) job.group = MAX_GROUP;
  if (job.group > per_block) job.group = per_block;
  if (job.group < 1) job.group = 1;

  /* The units threads split when they share an image. */
  const size_t units = job.engine == ENGINE_KV
                           ? job.kv.k_blocks * job.kv.row_tiles * job.kv.chunks
                           : grid / ((size_t)job.dot->mr * job.dot->nr);
  struct wgrad_thread threads[team];
  float *partials = NULL; /* one grid per block, or the one of the batch */
  struct cnn_scratch s = {0};
  for (int pass = 0; pass < 2; pass++) {
    int32_t *rows = cnn_scratch_take(&s, sizeof(int32_t) * job.kd_pad);
    job.rows = rows;
    job.kv.rows = rows;
    partials = cnn_scratch_take(&s, sizeof(float) * grid * (by_block ? blocks : 1));
    for (int t = 0; t < team; t++) {
      struct wgrad_thread th = {0};
      if (!job.planes.in_place)
        th.planes = cnn_scratch_take(&s, sizeof(float) * job.x_batch * job.group);
      if (!job.dy_in_place)
        th.dyq = cnn_scratch_take(&s, sizeof(float) * job.dy_batch * job.group);
      if (pass) threads[t] = th;
    }
    if (pass == 0) {
      s.base = cnn_context_scratch(ctx, s.used);
      if (!s.base) return CNN_STATUS_OUT_OF_MEMORY;
      s.used = 0;
      continue;
    }
    if (job.engine == ENGINE_KV) {
      /* Row j = c*R + r of chunk ch starts at tap s0 of the chunk. */
      for (size_t ch = 0, i = 0; ch < job.kv.chunks; ch++)
        for (int c = 0; c < p->c; c++)
          for (int r = 0; r < p->r; r++)
            rows[i++] = cnn_direct_forward_row(p, &job.planes, c, r,
                                               (int)(ch * (size_t)p->s / job.kv.chunks));
    } else {
      for (size_t i = 0, c = 0; c < (size_t)p->c; c++)
        for (int r = 0; r < p->r; r++)
          for (int q = 0; q < p->s; q++)
            rows[i++] = cnn_direct_forward_row(p, &job.planes, (int)c, r, q);
      for (size_t i = kd; i < job.kd_pad; i++) rows[i] = rows[kd - 1];
    }
  }
  if (job.engine == ENGINE_KV && !job.planes.in_place)
    for (int t = 0; t < team; t++)
      memset(threads[t].planes, 0, sizeof(float) * job.x_batch * job.group);

  if (by_block) {
    CNN_OMP(parallel num_threads(team) if (team > 1)) {
      const struct wgrad_thread *th = &threads[cnn_thread_index()];
      CNN_OMP(for schedule(dynamic, 1))
      for (size_t bl = 0; bl < blocks; bl++) {
        const size_t first = bl * per_block;
        const size_t end = first + per_block < (size_t)p->n ? first + per_block : (size_t)p->n;
        for (size_t i = first; i < end; i += job.group) {
          const size_t count = end - i < job.group ? end - i : job.group;
          const float *planes = image_planes(&job, (int)i, count, th->planes);
          const float *dyq = image_dyq(&job, (int)i, count, th->dyq);
          run_engine(&job, planes, dyq, count, 0, units, partials + bl * grid, i > first);
        }
      }
      /* Sum the partials in block order, rows of dw split over threads. */
      CNN_OMP(for schedule(static))
      for (int kk = 0; kk < p->k; kk++)
        for (size_t c = 0; c < kd; c++) {
          const size_t at = kk * job.out_filter + c * job.out_tap;
          float sum = partials[at];
          for (size_t bl = 1; bl < blocks; bl++) sum += partials[bl * grid + at];
          dw[kk * kd + c] = sum;
        }
      if (dbias && job.engine == ENGINE_KV)
        CNN_OMP(for schedule(static))
        for (int kk = 0; kk < p->k; kk++) {
          const size_t at = job.kd_pad * job.k_pad + kk;
          float sum = partials[at];
          for (size_t bl = 1; bl < blocks; bl++) sum += partials[bl * grid + at];
          dbias[kk] = sum;
        }
    }
  } else {
    /* One block: the threads split the units of dw, each added up over
     * the batch's groups of images in order. */
    CNN_OMP(parallel num_threads(team) if (team > 1)) {
      for (int i = 0; i < p->n; i += (int)job.group) {
        const size_t count = (size_t)p->n - i < job.group ? (size_t)p->n - i : job.group;
        CNN_OMP(single) {
          image_planes(&job, i, count, threads[0].planes);
          image_dyq(&job, i, count, threads[0].dyq);
        }
        const float *planes = job.planes.in_place ? image_planes(&job, i, count, NULL)
                                                  : threads[0].planes;
        const float *dyq = job.dy_in_place ? image_dyq(&job, i, count, NULL) : threads[0].dyq;
        CNN_OMP(for schedule(static))
        for (size_t u = 0; u < units; u++)
          run_engine(&job, planes, dyq, count, u, u + 1, partials, i > 0);
      }
    }
    for (int kk = 0; kk < p->k; kk++)
      for (size_t c = 0; c < kd; c++)
        dw[kk * kd + c] = partials[kk * job.out_filter + c * job.out_tap];
    if (dbias && job.engine == ENGINE_KV)
      memcpy(dbias, partials + job.kd_pad * job.k_pad, sizeof(float) * p->k);
  }
  if (dbias && job.engine != ENGINE_KV) bias_gradient(p, dy, dbias, team);
  return CNN_STATUS_OK;
}
