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

size_t cnn_direct_plane_count(const struct cnn_direct_planes *planes) {
  return (size_t)planes->channels * planes->step_y * planes->step_x;
}

void cnn_direct_planes_reserve(struct cnn_direct_planes *planes, size_t max_row,
                               size_t reach) {
  if (max_row + reach > planes->len) planes->len = max_row + reach;
}

/* One plane row: dst[j] = src_row[j*step + first_col] where that column is
 * inside [0, src_w), else 0. The inside columns form one run of j, copied
 * without a test per element. */
static void build_row(const float *src_row, int src_w, int step, int first_col,
                      float *dst, int w) {
  /* lo: first j with a column >= 0; hi: first j with a column >= src_w. */
  int lo = first_col >= 0 ? 0 : (-first_col + step - 1) / step;
  int hi = src_w - first_col <= 0 ? 0 : (src_w - first_col + step - 1) / step;
  if (hi > w) hi = w;
  if (lo > hi) lo = hi;
  memset(dst, 0, sizeof(float) * (size_t)lo);
  if (step == 1 && hi > lo)
    memcpy(dst + lo, src_row + lo + first_col, sizeof(float) * (size_t)(hi - lo));
  else
    for (int j = lo; j < hi; j++) dst[j] = src_row[j * step + first_col];
  memset(dst + hi, 0, sizeof(float) * (size_t)(w - hi));
}

void cnn_direct_build_planes(const struct cnn_direct_planes *planes,
                             const float *src, float *dst, size_t first,
                             size_t count) {
  const size_t plane_size = (size_t)planes->h * planes->w;
  const int phases = planes->step_y * planes->step_x;
  for (size_t plane = first; plane < first + count; plane++) {
    const int c = (int)(plane / phases), phase = (int)(plane % phases);
    const int qy = phase / planes->step_x, qx = phase % planes->step_x;
    const float *src_c = src + (size_t)c * planes->src_h * planes->src_w;
    float *out = dst + plane * plane_size;
    for (int i = 0; i < planes->h; i++) {
      const int y = i * planes->step_y + qy - planes->origin_y;
      float *row = out + (size_t)i * planes->w;
      if (y < 0 || y >= planes->src_h)
        memset(row, 0, sizeof(float) * (size_t)planes->w);
      else
        build_row(src_c + (size_t)y * planes->src_w, planes->src_w, planes->step_x,
                  qx - planes->origin_x, row, planes->w);
    }
  }
  const size_t used = cnn_direct_plane_count(planes) * plane_size;
  if (first + count == cnn_direct_plane_count(planes) && planes->len > used)
    memset(dst + used, 0, sizeof(float) * (planes->len - used));
}

const float *cnn_direct_image_planes(const struct cnn_direct_planes *planes,
                                     const float *src, size_t image_floats, int image,
                                     float *buffer) {
  const float *image_src = src + (size_t)image * image_floats;
  if (planes->in_place) return image_src;
  cnn_direct_build_planes(planes, image_src, buffer, 0, cnn_direct_plane_count(planes));
  return buffer;
}

void cnn_direct_forward_steps(const struct cnn_conv_problem *p,
                              const struct cnn_direct_planes *planes, int32_t *rows,
                              size_t *offsets) {
  for (int c = 0, i = 0; c < p->c; c++)
    for (int r = 0; r < p->r; r++)
      for (int q = 0; q < p->s; q++, i++) {
        rows[i] = cnn_direct_forward_row(p, planes, c, r, q);
        offsets[i] = (size_t)i;
      }
}
