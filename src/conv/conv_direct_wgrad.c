/* The direct path's backward-weights pass:
 *   dw[k][c,r,s] = sum_{n,oy,ox} dy[n][k][oy][ox]
 *                  * xpad_n[c][oy*stride_h + r][ox*stride_w + s]
 * where xpad is the image zero-padded. dy is packed channels-last (the
 * filters of one position consecutive), and the conv_wgrad_kv micro-kernel
 * accumulates vectors of filters times broadcast values of xpad over the
 * real output positions only: no discarded columns, no horizontal sums,
 * and since every broadcast reads a single value, a stride only changes
 * their addresses (xpad is not split into stride phases).
 *
 * The work is cut into units (a tile of rows (c, r) of xpad, a chunk of
 * consecutive taps s, a block of filters in the lanes: numbered in that
 * order, the last fastest), each one kernel call. The batch is cut into up to 4 blocks of consecutive images, each
 * block into cache-sized groups of images, and when one image is too large
 * for the cache, each group into bands of output rows; every unit's sum
 * stays in registers across a band and is added to the partial gradient
 * band after band. All these sizes depend on the problem only. With several
 * blocks, threads take whole blocks, each summed into its own partial
 * gradient, and the partials are added in block order; with one (a single
 * image, or gradients too large to keep two), the threads split the units.
 * Either way every sum is formed the same way whatever the thread count,
 * so the bits do not depend on it. */
#include <string.h>

#include "conv/conv_direct.h"
#include "conv/direct_pad.h"
#include "conv/direct_scratch.h"
#include "runtime/context.h"
#include "runtime/parallel.h"

static size_t round_up(size_t x, size_t to) { return (x + to - 1) / to * to; }

/* Bytes of xpad and packed dy that one kernel call should stream (a group
 * of images, or a band of one): about a third of a 512 KiB L2, so that the
 * stream stays there while every unit reads it. The most images a group
 * holds, the most blocks a batch is cut into, and the most bytes of their
 * partial gradients, one per block (with room for only one, threads split
 * the units of dw instead). */
enum { STREAM_BYTES = 192 << 10, MAX_GROUP = 64, MAX_BLOCKS = 4, PARTIAL_BYTES = 8 << 20 };

struct wgrad_job {
  const struct cnn_conv_problem *p;
  const struct cnn_kernels *k;
  const struct cnn_conv_wgrad_kv_variant *v;
  int pad_h, pad_w;     /* xpad: p->h + 2*pad_h rows of p->w + 2*pad_w */
  int in_place;         /* no padding: the image is its own xpad */
  const int32_t *rows;  /* rows[ch*row_count + j]: xpad offset of row j = c*R + r at chunk ch */
  size_t row_count, row_tiles, chunks, k_blocks, units;
  size_t k_pad;         /* filters rounded up to the lanes */
  size_t x_batch, dy_batch; /* floats of one image's xpad and packed dy */
  size_t group;         /* images per kernel call */
  size_t band;          /* output rows per kernel call */
  const float *x, *dy;
};

struct wgrad_thread {
  float *planes, *dyq;
};

/* xpad of images [i, i + count) at stride job->x_batch (the padding of
 * buffer zeroed once per pass). */
static const float *image_planes(const struct wgrad_job *job, size_t i, size_t count,
                                 float *buffer) {
  const struct cnn_conv_problem *p = job->p;
  const size_t image = (size_t)p->c * p->h * p->w;
  if (job->in_place) return job->x + i * image;
  for (size_t b = 0; b < count; b++)
    cnn_direct_pad_interior(p->c, p->h, p->w, job->x + (i + b) * image, p->h + 2 * job->pad_h,
                            p->w + 2 * job->pad_w, job->pad_h, job->pad_w,
                            buffer + b * job->x_batch);
  return buffer;
}

/* dy of images [i, i + count), channels-last, at stride job->dy_batch. */
static const float *image_dyq(const struct wgrad_job *job, size_t i, size_t count,
                              float *buffer) {
  const struct cnn_conv_problem *p = job->p;
  const size_t positions = (size_t)p->oh * p->ow, image = (size_t)p->k * positions;
  for (size_t b = 0; b < count; b++)
    job->k->conv_wgrad_kv_pack((size_t)p->k, positions, job->dy + (i + b) * image, positions,
                               job->k_pad, buffer + b * job->dy_batch);
  return buffer;
}

/* Units [first, last) from `count` images into out ([C*R*S][k_pad], then
 * the bias gradient's k_pad: the first unit of each filter block sums dy
 * on the way), band by band. */
static void run_units(const struct wgrad_job *job, const float *planes, const float *dyq,
                      size_t count, size_t first, size_t last, float *out, int accumulate) {
  const struct cnn_conv_problem *p = job->p;
  struct cnn_conv_wgrad_kv_geometry g = {
      .batch = count, .ow = (size_t)p->ow, .ld_pos = job->k_pad, .dy_batch = job->dy_batch,
      .x_batch = job->x_batch, .x_row = (size_t)(p->w + 2 * job->pad_w) * p->stride_h,
      .x_step = (size_t)p->stride_w, .c_row = (size_t)p->s * job->k_pad, .c_tap = job->k_pad};
  for (size_t y0 = 0; y0 < (size_t)p->oh; y0 += job->band) {
    g.oh = (size_t)p->oh - y0 < job->band ? (size_t)p->oh - y0 : job->band;
    const float *band_dy = dyq + y0 * p->ow * job->k_pad, *band_x = planes + y0 * g.x_row;
    for (size_t u = first; u < last; u++) {
      const size_t kb = u % job->k_blocks, ch = u / job->k_blocks % job->chunks;
      const size_t rt = u / job->k_blocks / job->chunks;
      const size_t j0 = rt * job->row_count / job->row_tiles;
      const size_t j1 = (rt + 1) * job->row_count / job->row_tiles;
      const size_t s0 = ch * (size_t)p->s / job->chunks;
      const size_t s1 = (ch + 1) * (size_t)p->s / job->chunks;
      const size_t lane0 = kb * (size_t)job->v->lanes;
      float *bias = rt == 0 && ch == 0 ? out + (size_t)p->c * p->r * p->s * job->k_pad + lane0
                                       : NULL;
      job->v->fn(&g, band_dy + lane0, band_x, job->rows + ch * job->row_count + j0, j1 - j0,
                 s1 - s0, out + (j0 * p->s + s0) * job->k_pad + lane0, bias,
                 accumulate || y0 > 0);
    }
  }
}

/* The tiles of taps of variant v: s in chunks of at most ns consecutive
 * taps, rows in blocks of up to max_taps/ns, for the ns that needs the
 * fewest calls (each call streams the band's dy once; ties: the longest
 * chunks). 11 taps with room for 6 are 6 chunks of 1-2 taps times 3 rows
 * (66 calls for 3 channels), not 3 chunks of 3-4 taps times 1 row (99).
 * Returns the calls per block of filters. */
static size_t tile_plan(const struct cnn_conv_problem *p,
                        const struct cnn_conv_wgrad_kv_variant *v, size_t *chunks,
                        size_t *row_tiles) {
  const size_t max_taps = (size_t)v->max_taps, row_count = (size_t)p->c * p->r;
  size_t best_calls = 0;
  for (size_t ns = 1; ns <= CNN_WGRAD_KV_MAX_NS && ns <= (size_t)p->s && ns <= max_taps; ns++) {
    size_t nrow = max_taps / ns;
    if (nrow > CNN_WGRAD_KV_MAX_ROWS) nrow = CNN_WGRAD_KV_MAX_ROWS;
    const size_t c = ((size_t)p->s + ns - 1) / ns, t = (row_count + nrow - 1) / nrow;
    if (!best_calls || c * t <= best_calls) {
      best_calls = c * t;
      *chunks = c;
      *row_tiles = t;
    }
  }
  return best_calls;
}

/* The variant whose calls keep the most of the register tile busy: the
 * share of its lanes that hold real filters times the share of its taps
 * that a call fills on average (ties: the widest). A tile that is mostly
 * empty runs fewer independent multiply-adds than the FMA pipes need:
 * odd_1x1 of bench/extra_shapes.csv (83 filters, a 1x1 filter, at most 5
 * rows a call) takes 16 filters x 5 taps, 10 accumulators, at 55-65
 * GFLOP/s, not 8 filters x 5 of 12 taps at 44-46 (conv_bench --timer cpu,
 * Zen 3, 1 thread); every other shape of both lists keeps its variant. */
static const struct cnn_conv_wgrad_kv_variant *variant(const struct cnn_kernels *k,
                                                        const struct cnn_conv_problem *p) {
  const struct cnn_conv_wgrad_kv_variant *best = NULL;
  double best_use = 0.0;
  const double taps = (double)p->c * p->r * p->s;
  for (int i = 0; i < k->conv_wgrad_kv_count; i++) {
    const struct cnn_conv_wgrad_kv_variant *v = &k->conv_wgrad_kv[i];
    size_t chunks, row_tiles;
    const double calls = (double)tile_plan(p, v, &chunks, &row_tiles);
    const double use = (double)p->k / round_up((size_t)p->k, (size_t)v->lanes) *
                       (taps / calls / v->max_taps);
    if (!best || use >= best_use) {
      best = v;
      best_use = use;
    }
  }
  return best;
}

cnn_status cnn_conv_direct_backward_weights(cnn_context *ctx,
                                            const struct cnn_conv_problem *p,
                                            const float *x, const float *dy,
                                            float *dw, float *dbias) {
  const struct cnn_kernels *k = ctx->kernels;
  const int team = cnn_team_size(ctx->num_threads);
  const size_t kd = (size_t)p->c * p->r * p->s;
  struct wgrad_job job = {.p = p, .k = k, .x = x, .dy = dy, .v = variant(k, p),
                          .pad_h = p->pad_h, .pad_w = p->pad_w,
                          .in_place = p->pad_h == 0 && p->pad_w == 0};
  job.k_pad = round_up((size_t)p->k, (size_t)job.v->lanes);
  tile_plan(p, job.v, &job.chunks, &job.row_tiles);
  job.row_count = (size_t)p->c * p->r;
  job.k_blocks = job.k_pad / (size_t)job.v->lanes;
  job.units = job.k_blocks * job.row_tiles * job.chunks;
  const size_t xpad_w = (size_t)p->w + 2 * (size_t)p->pad_w;
  job.x_batch = (size_t)p->c * (p->h + 2 * (size_t)p->pad_h) * xpad_w;
  job.dy_batch = (size_t)p->oh * p->ow * job.k_pad;
  /* The partial gradients, each ending with the bias gradient. */
  const size_t grid = (kd + 1) * job.k_pad;
  /* Blocks of images, a power of two so that 2 or 4 threads get equal
   * shares; groups within them; bands of output rows within an image too
   * large for the stream. From the problem alone, never the thread count. */
  size_t blocks = 1;
  while (blocks * 2 <= MAX_BLOCKS && blocks * 2 * sizeof(float) * grid <= PARTIAL_BYTES)
    blocks *= 2;
  const size_t per_block = ((size_t)p->n + blocks - 1) / blocks;
  blocks = ((size_t)p->n + per_block - 1) / per_block;
  const int by_block = blocks > 1;
  const size_t image_bytes = sizeof(float) * ((job.in_place ? 0 : job.x_batch) + job.dy_batch);
  job.group = STREAM_BYTES / image_bytes;
  if (job.group > MAX_GROUP) job.group = MAX_GROUP;
  if (job.group > per_block) job.group = per_block;
  if (job.group < 1) job.group = 1;
  /* A band is as many output rows as the stream holds of dy: every unit
   * reads all of its dy, while the blocks of filters of one tile of taps
   * read the same few rows of xpad one after the other. */
  const size_t row_bytes = sizeof(float) * (size_t)p->ow * job.k_pad;
  job.band = image_bytes <= STREAM_BYTES ? (size_t)p->oh : STREAM_BYTES / row_bytes;
  if (job.band < 1) job.band = 1;

  struct wgrad_thread threads[team];
  float *partials = NULL; /* one grid per block, or the one of the batch */
  int32_t *rows = NULL;
  struct cnn_scratch s = {0};
  for (int pass = 0; pass < 2; pass++) {
    rows = cnn_scratch_take(&s, sizeof(int32_t) * job.chunks * job.row_count);
    partials = cnn_scratch_take(&s, sizeof(float) * grid * (by_block ? blocks : 1));
    for (int t = 0; t < team; t++) {
      threads[t].planes =
          job.in_place ? NULL : cnn_scratch_take(&s, sizeof(float) * job.x_batch * job.group);
      threads[t].dyq = cnn_scratch_take(&s, sizeof(float) * job.dy_batch * job.group);
    }
    if (pass == 0) {
      s.base = cnn_context_scratch(ctx, s.used);
      if (!s.base) return CNN_STATUS_OUT_OF_MEMORY;
      s.used = 0;
    }
  }
  /* Row j = c*R + r of chunk ch starts at tap s0 of the chunk. */
  for (size_t ch = 0, i = 0; ch < job.chunks; ch++)
    for (size_t j = 0; j < job.row_count; j++)
      rows[i++] = (int32_t)(j / p->r * job.x_batch / p->c + j % p->r * xpad_w +
                            ch * (size_t)p->s / job.chunks);
  job.rows = rows;
  if (!job.in_place)
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
          const float *planes = image_planes(&job, i, count, th->planes);
          const float *dyq = image_dyq(&job, i, count, th->dyq);
          run_units(&job, planes, dyq, count, 0, job.units, partials + bl * grid, i > first);
        }
      }
      /* Sum the partials in block order, rows of dw split over threads. */
      CNN_OMP(for schedule(static))
      for (int kk = 0; kk < p->k; kk++)
        for (size_t c = 0; c <= kd; c++) {
          const size_t at = c * job.k_pad + kk;
          float sum = partials[at];
          for (size_t bl = 1; bl < blocks; bl++) sum += partials[bl * grid + at];
          if (c < kd)
            dw[kk * kd + c] = sum;
          else if (dbias)
            dbias[kk] = sum;
        }
    }
  } else {
    /* One block: each thread runs its run of units, over the batch's
     * groups of images in order. */
    CNN_OMP(parallel num_threads(team) if (team > 1)) {
      size_t first, end;
      cnn_thread_share(job.units, &first, &end);
      for (size_t i = 0; i < (size_t)p->n; i += job.group) {
        const size_t count = (size_t)p->n - i < job.group ? (size_t)p->n - i : job.group;
        CNN_OMP(single) {
          image_planes(&job, i, count, threads[0].planes);
          image_dyq(&job, i, count, threads[0].dyq);
        }
        const float *planes = job.in_place ? image_planes(&job, i, count, NULL)
                                           : threads[0].planes;
        run_units(&job, planes, threads[0].dyq, count, first, end, partials, i > 0);
        CNN_OMP(barrier)
      }
    }
    for (int kk = 0; kk < p->k; kk++) {
      for (size_t c = 0; c < kd; c++) dw[kk * kd + c] = partials[c * job.k_pad + kk];
      if (dbias) dbias[kk] = partials[kd * job.k_pad + kk];
    }
  }
  return CNN_STATUS_OK;
}
