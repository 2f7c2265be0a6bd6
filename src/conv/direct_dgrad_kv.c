#include "conv/direct_dgrad_kv.h"

#include <stdint.h>
#include <string.h>

#include "conv/direct_dgrad_cv.h"
#include "conv/direct_scratch.h"
#include "runtime/context.h"
#include "runtime/parallel.h"

static size_t round_up(size_t x, size_t to) { return (x + to - 1) / to * to; }

/* Floats per dy position: the filters rounded up to the kernel's vectors
 * (and to the 8 of the pack). */
static size_t position_floats(const struct cnn_kernels *k, int filters) {
  const size_t lanes = (size_t)k->conv_dgrad_kv_lanes;
  return round_up((size_t)filters, lanes > 8 ? lanes : 8);
}

int cnn_conv_dgrad_kv_suits(const cnn_context *ctx, const struct cnn_conv_problem *p) {
  if (p->stride_h != 1 || p->stride_w != 1 || p->pad_h > p->r - 1 || p->pad_w > p->s - 1)
    return 0;
  /* The filters must fill at least 3/4 of the lanes, and more of them
   * than the channels fill in the channel-vector pass (compared even where
   * that pass declines p, as for filters wider than 5). Measured on Zen 3
   * (AVX2) at 1 thread, conv_bench --pass bwd_data --timer cpu: lenet_c2
   * 71 against 42 GFLOP/s (channels in 6 of 8 lanes), simple_c1 21
   * against 13, lenet_c1 18 against 17 (direct); the shapes with full
   * channel vectors (mnist_3x3, resnet_3x3) keep the channel-vector pass.
   * Row slots (conv/conv_direct_rows.h) are asked first and now take
   * simple_c1 and lenet_c1. */
  const size_t kl = position_floats(ctx->kernels, p->k);
  const double used = (double)p->k / kl;
  return 4 * (size_t)p->k >= 3 * kl && used > cnn_conv_dgrad_cv_lanes_used(ctx, p);
}

/* dx columns [ix, ix + nj) and the taps [s_lo, s_lo + ns) that reach a
 * real dy column from any of them. */
struct column_tile {
  int ix, nj, s_lo, ns;
};

struct kv_job {
  const struct cnn_conv_problem *p;
  const struct cnn_kernels *k;
  struct cnn_conv_dgrad_kv_geometry g;
  const float *a;                   /* filters: [c][r'][s'][kl], flipped */
  int width;                        /* dy rows, padded: left + ow + left columns */
  const struct column_tile *tiles;
  int tile_count;
};

/* The real taps of dx column ix (likewise rows): s' with
 * 0 <= ix - left + s' < ow. */
static void taps_of(int ix, int left, int ow, int size, int *lo, int *hi) {
  *lo = left - ix > 0 ? left - ix : 0;
  *hi = left - ix + ow < size ? left - ix + ow : size;
}

/* dx rows [first, last) of one image from its channels-last dy, whose
 * column ox sits at padded column left + ox. */
static void run_rows(const struct kv_job *job, const float *dy, int first, int last, float *dx) {
  const struct cnn_conv_problem *p = job->p;
  const size_t kl = job->g.kl, plane = (size_t)p->h * p->w, mc = (size_t)job->k->conv_dgrad_kv_mc;
  const int top = p->r - 1 - p->pad_h;
  for (int iy = first; iy < last; iy++) {
    int r_lo, r_hi;
    taps_of(iy, top, p->oh, p->r, &r_lo, &r_hi);
    const float *x_row = dy + (size_t)(iy - top + r_lo) * job->g.x_row;
    for (int t = 0; t < job->tile_count; t++) {
      const struct column_tile *ct = &job->tiles[t];
      const float *x = x_row + (size_t)(ct->ix + ct->s_lo) * kl;
      const float *a = job->a + ((size_t)r_lo * p->s + ct->s_lo) * kl;
      for (size_t c0 = 0; c0 < (size_t)p->c; c0 += mc) {
        const size_t nc = (size_t)p->c - c0 < mc ? (size_t)p->c - c0 : mc;
        job->k->conv_dgrad_kv(&job->g, nc, (size_t)ct->nj, (size_t)(r_hi - r_lo),
                              (size_t)ct->ns, a + c0 * job->g.a_c, x,
                              dx + c0 * plane + (size_t)iy * p->w + ct->ix, plane);
      }
    }
  }
}

/* One image's dy, channels-last, into the interior of its padded rows:
 * packed whole into tmp (one call to the pack for all positions), then
 * copied row by row. */
static void pack_image(const struct kv_job *job, const float *dy, float *tmp, float *dst) {
  const struct cnn_conv_problem *p = job->p;
  const size_t positions = (size_t)p->oh * p->ow, left = (size_t)(p->s - 1 - p->pad_w);
  const size_t row = (size_t)p->ow * job->g.kl;
  job->k->conv_wgrad_kv_pack((size_t)p->k, positions, dy, positions, job->g.kl, tmp);
  for (int oy = 0; oy < p->oh; oy++)
    memcpy(dst + (size_t)oy * job->g.x_row + left * job->g.kl, tmp + (size_t)oy * row,
           sizeof(float) * row);
}

cnn_status cnn_conv_dgrad_kv(cnn_context *ctx, const struct cnn_conv_problem *p,
                             const float *dy, const float *w, float *dx) {
  const struct cnn_kernels *k = ctx->kernels;
  const int team = cnn_team_size(ctx->num_threads);
  const size_t kl = position_floats(k, p->k), positions = (size_t)p->oh * p->ow;
  const int left = p->s - 1 - p->pad_w;
  struct kv_job job = {.p = p, .k = k, .width = p->ow + 2 * left};
  job.g = (struct cnn_conv_dgrad_kv_geometry){
      .kl = kl, .x_row = (size_t)job.width * kl, .a_row = (size_t)p->s * kl,
      .a_c = (size_t)p->r * p->s * kl};
  const size_t dy_len = (size_t)p->oh * job.g.x_row;
  const size_t a_len = (size_t)p->c * job.g.a_c;
  const size_t dy_image = (size_t)p->k * positions, dx_image = (size_t)p->c * p->h * p->w;

  struct cnn_scratch s = {0};
  float *a = NULL, *packed[team], *tmp[team];
  struct column_tile *tiles = NULL;
  for (int pass = 0; pass < 2; pass++) {
    a = cnn_scratch_take(&s, sizeof(float) * a_len);
    tiles = cnn_scratch_take(&s, sizeof(struct column_tile) * p->w);
    for (int t = 0; t < team; t++) {
      packed[t] = cnn_scratch_take(&s, sizeof(float) * dy_len);
      tmp[t] = cnn_scratch_take(&s, sizeof(float) * positions * kl);
    }
    if (pass == 0) {
      s.base = cnn_context_scratch(ctx, s.used);
      if (!s.base) return CNN_STATUS_OUT_OF_MEMORY;
      s.used = 0;
    }
  }
  /* a[((c*R + r')*S + s')*kl + f] = w[f][c][R-1-r'][S-1-s'], zero past K. */
  for (size_t c = 0, i = 0; c < (size_t)p->c; c++)
    for (int rr = 0; rr < p->r; rr++)
      for (int ss = 0; ss < p->s; ss++)
        for (size_t f = 0; f < kl; f++, i++)
          a[i] = f < (size_t)p->k ? w[((f * p->c + c) * p->r + (p->r - 1 - rr)) * p->s +
                                      (p->s - 1 - ss)]
                                  : 0.0f;
  /* Column tiles of NJ columns: products with the padding columns between
   * the real taps of a tile's first and last column add zeros. */
  const int nj_max = k->conv_dgrad_kv_nj;
  job.tile_count = 0;
  for (int ix = 0; ix < p->w; ix += nj_max) {
    const int nj = p->w - ix < nj_max ? p->w - ix : nj_max;
    int lo, hi, last_lo, last_hi;
    taps_of(ix, left, p->ow, p->s, &lo, &hi);
    taps_of(ix + nj - 1, left, p->ow, p->s, &last_lo, &last_hi);
    tiles[job.tile_count++] = (struct column_tile){ix, nj, last_lo, hi - last_lo};
  }
  job.a = a;
  job.tiles = tiles;

  /* The padding columns are zeroed once; each image only fills the rest. */
  for (int t = 0; t < (p->n >= team ? team : 1); t++) memset(packed[t], 0, sizeof(float) * dy_len);
  if (p->n >= team) {
    /* Images handed out dynamically: each is computed the same way
     * whichever thread takes it. */
    CNN_OMP(parallel for num_threads(team) schedule(dynamic, 1) if (team > 1))
    for (int i = 0; i < p->n; i++) {
      float *buf = packed[cnn_thread_index()];
      pack_image(&job, dy + (size_t)i * dy_image, tmp[cnn_thread_index()], buf);
      run_rows(&job, buf, 0, p->h, dx + (size_t)i * dx_image);
    }
    return CNN_STATUS_OK;
  }
  /* Fewer images than threads: the threads split each image's rows. */
  CNN_OMP(parallel num_threads(team) if (team > 1)) {
    for (int i = 0; i < p->n; i++) {
      CNN_OMP(single)
      pack_image(&job, dy + (size_t)i * dy_image, tmp[0], packed[0]);
      size_t first, end;
      cnn_thread_share((size_t)p->h, &first, &end);
      run_rows(&job, packed[0], (int)first, (int)end, dx + (size_t)i * dx_image);
      CNN_OMP(barrier)
    }
  }
  return CNN_STATUS_OK;
}
