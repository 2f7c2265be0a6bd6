#include "kernels/scalar/f32_pool_window.h"

#include <math.h>

size_t cnn_f32_pool_argmax__scalar(const struct cnn_pool_problem *p, const float *x,
                                   int oy, int ox) {
  const int y0 = oy * p->stride_h - p->pad_h, x0 = ox * p->stride_w - p->pad_w;
  size_t best = 0;
  int found = 0;
  for (int iy = y0; iy < y0 + p->window_h; iy++) {
    if (iy < 0 || iy >= p->h) continue;
    for (int ix = x0; ix < x0 + p->window_w; ix++) {
      if (ix < 0 || ix >= p->w) continue;
      const size_t at = (size_t)iy * p->w + ix;
      if (!found || x[at] > x[best]) best = at;
      found = 1;
    }
  }
  return best;
}

float cnn_f32_pool_max__scalar(const struct cnn_pool_problem *p, const float *x, int oy,
                               int ox) {
  const int y0 = oy * p->stride_h - p->pad_h, x0 = ox * p->stride_w - p->pad_w;
  for (int iy = y0; iy < y0 + p->window_h; iy++) {
    if (iy < 0 || iy >= p->h) continue;
    for (int ix = x0; ix < x0 + p->window_w; ix++)
      if (ix >= 0 && ix < p->w && isnan(x[(size_t)iy * p->w + ix])) return NAN;
  }
  return x[cnn_f32_pool_argmax__scalar(p, x, oy, ox)];
}

float cnn_f32_pool_window_sum__scalar(const struct cnn_pool_problem *p, const float *x,
                                      int oy, int ox) {
  const int y0 = oy * p->stride_h - p->pad_h, x0 = ox * p->stride_w - p->pad_w;
  float sum = 0.0f;
  for (int iy = y0; iy < y0 + p->window_h; iy++) {
    if (iy < 0 || iy >= p->h) continue;
    for (int ix = x0; ix < x0 + p->window_w; ix++)
      if (ix >= 0 && ix < p->w) sum += x[(size_t)iy * p->w + ix];
  }
  return sum;
}

void cnn_f32_pool_window_add__scalar(const struct cnn_pool_problem *p, float *dx,
                                     int oy, int ox, float share) {
  const int y0 = oy * p->stride_h - p->pad_h, x0 = ox * p->stride_w - p->pad_w;
  for (int iy = y0; iy < y0 + p->window_h; iy++) {
    if (iy < 0 || iy >= p->h) continue;
    for (int ix = x0; ix < x0 + p->window_w; ix++)
      if (ix >= 0 && ix < p->w) dx[(size_t)iy * p->w + ix] += share;
  }
}

void cnn_f32_pool_relu_grad__scalar(size_t n, const float *x, float *dx) {
  for (size_t i = 0; i < n; i++) dx[i] = dx[i] * (x[i] > 0.0f ? 1.0f : 0.0f);
}
