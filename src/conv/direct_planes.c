#include "conv/direct_planes.h"

#include <string.h>

void cnn_direct_forward_planes(const struct cnn_conv_problem *p,
                               struct cnn_direct_planes *planes) {
  planes->channels = p->c;
  planes->src_h = p->h;
  planes->src_w = p->w;
  planes->step_y = p->stride_h;
  planes->step_x = p->stride_w;
  planes->origin_y = p->pad_h;
  planes->origin_x = p->pad_w;
  /* Output row oy reads plane rows oy + r/stride for r < R. */
  planes->h = p->oh + (p->r - 1) / p->stride_h;
  planes->w = p->ow + (p->s - 1) / p->stride_w;
  planes->in_place = p->r == 1 && p->s == 1 && p->stride_h == 1 &&
                     p->stride_w == 1 && p->pad_h == 0 && p->pad_w == 0;
  planes->len = cnn_direct_plane_count(planes) * planes->h * planes->w;
}

int32_t cnn_direct_forward_row(const struct cnn_conv_problem *p,
                               const struct cnn_direct_planes *planes, int c,
                               int r, int s) {
  const int phases = p->stride_h * p->stride_w;
  const int plane = c * phases + (r % p->stride_h) * p->stride_w + s % p->stride_w;
  return (int32_t)((size_t)plane * planes->h * planes->w +
                   (size_t)(r / p->stride_h) * planes->w + (size_t)(s / p->stride_w));
}

double cnn_direct_plane_rows_used(const struct cnn_conv_problem *p) {
  return (double)p->ow / (p->ow + (p->s - 1) / p->stride_w);
}

size_t cnn_direct_plane_count(const struct cnn_direct_planes *planes) {
  return (size_t)planes->channels * planes->step_y * planes->step_x;
}

void cnn_direct_planes_reserve(struct cnn_direct_planes *planes, size_t max_row,
                               size_t reach) {
  if (max_row + reach > planes->len) planes->len = max_row + reach;
}

/* The run [*lo, *hi) of j whose column j*step + first_col lies inside
 * [0, src_w), clipped to [0, w). */
static void inside_run(int src_w, int step, int first_col, int w, int *lo, int *hi) {
  *lo = first_col >= 0 ? 0 : (-first_col + step - 1) / step;
  *hi = src_w - first_col <= 0 ? 0 : (src_w - first_col + step - 1) / step;
  if (*hi > w) *hi = w;
  if (*lo > *hi) *lo = *hi;
}

/* The step column phases of one source row: row q of dst (rows `stride`
 * floats apart) gets dst[q][j] = src_row[j*step + q - origin] where that
 * column is inside [0, src_w), else 0. The source row is read once: where
 * every phase is inside, one loop writes them all, and for strides 2 and 4
 * the compiler turns it into vector loads and shuffles instead of a
 * strided copy per phase. */
static void build_phase_rows(const float *src_row, int src_w, int step, int origin,
                             float *dst, size_t stride, int w) {
  int lo = 0, hi = w;
  for (int q = 0; q < step; q++) {
    int q_lo, q_hi;
    inside_run(src_w, step, q - origin, w, &q_lo, &q_hi);
    if (q_lo > lo) lo = q_lo;
    if (q_hi < hi) hi = q_hi;
  }
  if (lo > hi) lo = hi;
  /* The few columns outside [lo, hi), one by one. */
  for (int q = 0; q < step; q++)
    for (int part = 0; part < 2; part++)
      for (int j = part ? hi : 0; j < (part ? w : lo); j++) {
        const int col = j * step + q - origin;
        dst[(size_t)q * stride + j] = col >= 0 && col < src_w ? src_row[col] : 0.0f;
      }
  const float *src = src_row - origin;
  float *d0 = dst, *d1 = dst + stride, *d2 = dst + 2 * stride, *d3 = dst + 3 * stride;
  if (step == 1) {
    memcpy(d0 + lo, src + lo, sizeof(float) * (size_t)(hi - lo));
  } else if (step == 2) {
    for (int j = lo; j < hi; j++) {
      d0[j] = src[2 * j];
      d1[j] = src[2 * j + 1];
    }
  } else if (step == 4) {
    for (int j = lo; j < hi; j++) {
      d0[j] = src[4 * j];
      d1[j] = src[4 * j + 1];
      d2[j] = src[4 * j + 2];
      d3[j] = src[4 * j + 3];
    }
  } else {
    for (int q = 0; q < step; q++)
      for (int j = lo; j < hi; j++) dst[(size_t)q * stride + j] = src[j * step + q];
  }
}

/* Every plane of one source image into dst (a buffer of planes->len
 * floats), the slack past the last plane zeroed. */
static void build_planes(const struct cnn_direct_planes *planes, const float *src, float *dst) {
  const size_t plane_size = (size_t)planes->h * planes->w;
  for (int c = 0; c < planes->channels; c++) {
    const float *src_c = src + (size_t)c * planes->src_h * planes->src_w;
    for (int qy = 0; qy < planes->step_y; qy++) {
      /* Planes (c, qy, 0..step_x-1) follow each other. */
      float *out = dst + ((size_t)c * planes->step_y + qy) * planes->step_x * plane_size;
      for (int i = 0; i < planes->h; i++) {
        const int y = i * planes->step_y + qy - planes->origin_y;
        float *row = out + (size_t)i * planes->w;
        if (y < 0 || y >= planes->src_h)
          for (int qx = 0; qx < planes->step_x; qx++)
            memset(row + qx * plane_size, 0, sizeof(float) * (size_t)planes->w);
        else
          build_phase_rows(src_c + (size_t)y * planes->src_w, planes->src_w, planes->step_x,
                           planes->origin_x, row, plane_size, planes->w);
      }
    }
  }
  const size_t used = cnn_direct_plane_count(planes) * plane_size;
  if (planes->len > used) memset(dst + used, 0, sizeof(float) * (planes->len - used));
}

const float *cnn_direct_image_planes(const struct cnn_direct_planes *planes,
                                     const float *src, size_t image_floats, int image,
                                     float *buffer) {
  const float *image_src = src + (size_t)image * image_floats;
  if (planes->in_place) return image_src;
  build_planes(planes, image_src, buffer);
  return buffer;
}

void cnn_direct_forward_steps(const struct cnn_conv_problem *p,
                              const struct cnn_direct_planes *planes, int32_t *rows) {
  for (int c = 0, i = 0; c < p->c; c++)
    for (int r = 0; r < p->r; r++)
      for (int q = 0; q < p->s; q++) rows[i++] = cnn_direct_forward_row(p, planes, c, r, q);
}
