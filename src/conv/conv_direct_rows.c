/* The direct path's forward pass on row slots: the source planes and the
 * reduction steps of conv/conv_direct.c; every output row is cut into
 * slots of VL positions (the last one partial), the slots of an image are
 * numbered row by row, and each tile takes NV consecutive slots (across
 * row ends) times every block of MR channels. */
#include "conv/conv_direct_rows.h"

#include <stdint.h>

#include "conv/direct_gemm.h"
#include "conv/direct_planes.h"
#include "conv/direct_scratch.h"
#include "runtime/context.h"
#include "runtime/parallel.h"

struct rows_job {
  const struct cnn_conv_problem *p;
  const struct cnn_kernels *k;
  struct cnn_direct_planes planes;
  int kd;
  const int32_t *rows;                           /* kd plane offsets */
  const struct cnn_conv_direct_rows_slot *slots; /* of one image */
  size_t slot_count;
  const float *a; /* filters, packed in blocks of MR channels */
  const float *x, *bias;
  int relu;
  float *y;
};

static size_t tile_count(const struct rows_job *job) {
  const size_t nv = (size_t)job->k->conv_direct_rows_nv;
  return (job->slot_count + nv - 1) / nv;
}

/* Slots [tile*NV, tile*NV + NV) of one image, every channel block. */
static void run_tile(const struct rows_job *job, const float *planes, size_t tile, float *y) {
  const struct cnn_kernels *k = job->k;
  const struct cnn_conv_problem *p = job->p;
  const size_t nv_max = (size_t)k->conv_direct_rows_nv, first = tile * nv_max;
  const size_t nv = job->slot_count - first < nv_max ? job->slot_count - first : nv_max;
  const size_t plane = (size_t)p->oh * p->ow;
  const int mr = k->conv_direct_rows_mr;
  for (int m0 = 0; m0 < p->k; m0 += mr) {
    const int channels = p->k - m0 < mr ? p->k - m0 : mr;
    k->conv_direct_rows((size_t)channels, nv, (size_t)job->kd, job->a + (size_t)m0 * job->kd,
                        planes, job->rows, job->slots + first,
                        job->bias ? job->bias + m0 : NULL, job->relu,
                        y + (size_t)m0 * plane, plane);
  }
}

static const float *image_planes(const struct rows_job *job, int image, float *buffer) {
  const size_t image_floats = (size_t)job->p->c * job->p->h * job->p->w;
  return cnn_direct_image_planes(&job->planes, job->x, image_floats, image, buffer);
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

cnn_status cnn_conv_direct_rows_forward(cnn_context *ctx, const struct cnn_conv_problem *p,
                                        const float *x, const float *w, const float *bias,
                                        int relu, float *y) {
  const struct cnn_kernels *k = ctx->kernels;
  const int team = cnn_team_size(ctx->num_threads);
  const int mr = k->conv_direct_rows_mr, vl = k->conv_direct_rows_vl;
  const int per_row = (p->ow + vl - 1) / vl;
  struct rows_job job = {.p = p, .k = k, .kd = p->c * p->r * p->s, .x = x, .bias = bias,
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
  cnn_direct_forward_steps(p, &job.planes, rows, offsets);
  for (int i = 0, at = 0; i < p->oh; i++)
    for (int j0 = 0; j0 < p->ow; j0 += vl, at++)
      slots[at] = (struct cnn_conv_direct_rows_slot){
          .x = (int32_t)((size_t)i * job.planes.w + j0),
          .y = (int32_t)((size_t)i * p->ow + j0),
          .n = p->ow - j0 < vl ? p->ow - j0 : vl};
  cnn_direct_pack_filters(mr, p->k, job.kd, w, (size_t)job.kd, offsets, a);
  job.rows = rows;
  job.slots = slots;
  job.a = a;
  execute(&job, team, planes);
  return CNN_STATUS_OK;
}
