#include "conv/direct_dgrad_cv.h"

#include <stdint.h>
#include <string.h>

#include "conv/direct_pad.h"
#include "conv/direct_planes.h"
#include "conv/direct_scratch.h"
#include "runtime/context.h"
#include "runtime/parallel.h"

static size_t round_up(size_t x, size_t to) { return (x + to - 1) / to * to; }

/* The variant that pads the channel count least (ties: the widest). */
static const struct cnn_conv_dgrad_cv_variant *variant(const struct cnn_kernels *k, int c) {
  const struct cnn_conv_dgrad_cv_variant *best = NULL;
  for (int v = 0; v < k->conv_dgrad_cv_count; v++) {
    const struct cnn_conv_dgrad_cv_variant *t = &k->conv_dgrad_cv[v];
    if (!best || round_up((size_t)c, t->lanes) <= round_up((size_t)c, best->lanes)) best = t;
  }
  return best;
}

double cnn_conv_dgrad_cv_lanes_used(const cnn_context *ctx, const struct cnn_conv_problem *p) {
  const struct cnn_conv_dgrad_cv_variant *v = variant(ctx->kernels, p->c);
  return v ? (double)p->c / round_up((size_t)p->c, v->lanes) : 0.0;
}

int cnn_conv_dgrad_cv_suits(const cnn_context *ctx, const struct cnn_conv_problem *p) {
  if (p->stride_h != 1 || p->stride_w != 1 || p->s > CNN_DGRAD_CV_MAX_S ||
      p->pad_h > p->r - 1 || p->pad_w > p->s - 1)
    return 0;
  /* The channels must fill at least 3/4 of the lanes. */
  return cnn_conv_dgrad_cv_lanes_used(ctx, p) >= 0.75;
}

struct cv_job {
  const struct cnn_conv_problem *p;
  const struct cnn_conv_dgrad_cv_variant *v;
  struct cnn_direct_planes planes; /* dy, padded */
  const float *a;                  /* filters: [block][r'][k][s'][lanes] */
  const int32_t *rows;             /* rows[r'*K + k]: plane row r' of channel k */
  size_t c_blocks;
};

/* dx rows [first, last) of one image from its dy planes. */
static void run_rows(const struct cv_job *job, const float *planes, int first, int last,
                     float *dx) {
  const struct cnn_conv_problem *p = job->p;
  const size_t lanes = (size_t)job->v->lanes, jmax = (size_t)job->v->jmax;
  const size_t plane = (size_t)p->h * p->w, step_floats = (size_t)p->s * lanes;
  const int top = job->planes.origin_y;
  const size_t left = (size_t)job->planes.origin_x;
  for (int iy = first; iy < last; iy++) {
    /* Filter rows r' read plane row iy + r': real dy rows only. */
    const int r_lo = top - iy > 0 ? top - iy : 0;
    const int r_hi = top + p->oh - iy < p->r ? top + p->oh - iy : p->r;
    const size_t steps = (size_t)(r_hi - r_lo) * p->k;
    const float *x = planes + (size_t)iy * job->planes.w;
    for (size_t cb = 0; cb < job->c_blocks; cb++) {
      const size_t c0 = cb * lanes, nc = (size_t)p->c - c0 < lanes ? (size_t)p->c - c0 : lanes;
      const float *a = job->a + ((cb * p->r + r_lo) * p->k) * step_floats;
      for (size_t ix = 0; ix < (size_t)p->w; ix += jmax) {
        const size_t nj = (size_t)p->w - ix < jmax ? (size_t)p->w - ix : jmax;
        /* The real dy columns, as offsets from ix. */
        const size_t u_lo = ix < left ? left - ix : 0, u_hi = left + p->ow - ix;
        job->v->fn(nc, nj, steps, (size_t)p->s, u_lo, u_hi, a, x + ix,
                   job->rows + (size_t)r_lo * p->k, dx + c0 * plane + (size_t)iy * p->w + ix,
                   plane);
      }
    }
  }
}

cnn_status cnn_conv_dgrad_cv(cnn_context *ctx, const struct cnn_conv_problem *p,
                             const float *dy, const float *w, float *dx) {
  const int team = cnn_team_size(ctx->num_threads);
  struct cv_job job = {.p = p, .v = variant(ctx->kernels, p->c)};
  const size_t lanes = (size_t)job.v->lanes;
  job.c_blocks = round_up((size_t)p->c, lanes) / lanes;
  const int top = p->r - 1 - p->pad_h, left = p->s - 1 - p->pad_w;
  job.planes = (struct cnn_direct_planes){
      .channels = p->k, .src_h = p->oh, .src_w = p->ow, .step_y = 1, .step_x = 1,
      .origin_y = top, .origin_x = left, .h = p->oh + 2 * top, .w = p->ow + 2 * left};
  /* Kernels read up to one position and S - 1 taps past a row's end. */
  job.planes.len = (size_t)p->k * job.planes.h * job.planes.w + (size_t)p->s + 1;
  const size_t a_len = job.c_blocks * p->r * p->k * p->s * lanes;
  const size_t dy_image = (size_t)p->k * p->oh * p->ow, dx_image = (size_t)p->c * p->h * p->w;

  struct cnn_scratch s = {0};
  float *a = NULL, *planes[team];
  int32_t *rows = NULL;
  for (int pass = 0; pass < 2; pass++) {
    a = cnn_scratch_take(&s, sizeof(float) * a_len);
    rows = cnn_scratch_take(&s, sizeof(int32_t) * p->r * p->k);
    for (int t = 0; t < team; t++) planes[t] = cnn_scratch_take(&s, sizeof(float) * job.planes.len);
    if (pass == 0) {
      s.base = cnn_context_scratch(ctx, s.used);
      if (!s.base) return CNN_STATUS_OUT_OF_MEMORY;
      s.used = 0;
    }
  }
  /* a[(((cb*R + r')*K + k)*S + s')*lanes + c] = w[k][cb*lanes + c][R-1-r'][S-1-s']. */
  for (size_t cb = 0, i = 0; cb < job.c_blocks; cb++)
    for (int rr = 0; rr < p->r; rr++)
      for (int kk = 0; kk < p->k; kk++)
        for (int ss = 0; ss < p->s; ss++)
          for (size_t l = 0; l < lanes; l++, i++) {
            const size_t c = cb * lanes + l;
            a[i] = c < (size_t)p->c
                       ? w[(((size_t)kk * p->c + c) * p->r + (p->r - 1 - rr)) * p->s +
                           (p->s - 1 - ss)]
                       : 0.0f;
          }
  for (int rr = 0; rr < p->r; rr++)
    for (int kk = 0; kk < p->k; kk++)
      rows[rr * p->k + kk] = (int32_t)(((size_t)kk * job.planes.h + rr) * job.planes.w);
  job.a = a;
  job.rows = rows;

  /* The padding is zeroed once; each image only fills the interior. */
  for (int t = 0; t < (p->n >= team ? team : 1); t++)
    memset(planes[t], 0, sizeof(float) * job.planes.len);
  const struct cnn_direct_planes *pl = &job.planes;
  if (p->n >= team) {
    /* Images handed out dynamically: each is computed the same way
     * whichever thread takes it. */
    CNN_OMP(parallel for num_threads(team) schedule(dynamic, 1) if (team > 1))
    for (int i = 0; i < p->n; i++) {
      float *buf = planes[cnn_thread_index()];
      cnn_direct_pad_interior(p->k, p->oh, p->ow, dy + (size_t)i * dy_image, pl->h, pl->w,
                              pl->origin_y, pl->origin_x, buf);
      run_rows(&job, buf, 0, p->h, dx + (size_t)i * dx_image);
    }
    return CNN_STATUS_OK;
  }
  /* Fewer images than threads: the threads split each image's rows. */
  CNN_OMP(parallel num_threads(team) if (team > 1)) {
    for (int i = 0; i < p->n; i++) {
      CNN_OMP(single)
      cnn_direct_pad_interior(p->k, p->oh, p->ow, dy + (size_t)i * dy_image, pl->h, pl->w,
                              pl->origin_y, pl->origin_x, planes[0]);
      size_t first, end;
      cnn_thread_share((size_t)p->h, &first, &end);
      run_rows(&job, planes[0], (int)first, (int)end, dx + (size_t)i * dx_image);
      CNN_OMP(barrier)
    }
  }
  return CNN_STATUS_OK;
}
