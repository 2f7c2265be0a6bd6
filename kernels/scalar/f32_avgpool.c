#include <string.h>

#include "kernels/ukernels.h"

void cnn_f32_avgpool_ukernel__scalar(const struct cnn_pool_problem *p,
                                     const float *x, float *y) {
  const float scale = 1.0f / (float)(p->window_h * p->window_w);
  for (int oy = 0; oy < p->oh; oy++)
    for (int ox = 0; ox < p->ow; ox++) {
      const int y0 = oy * p->stride_h - p->pad_h, x0 = ox * p->stride_w - p->pad_w;
      float sum = 0.0f;
      for (int iy = y0; iy < y0 + p->window_h; iy++) {
        if (iy < 0 || iy >= p->h) continue;
        for (int ix = x0; ix < x0 + p->window_w; ix++)
          if (ix >= 0 && ix < p->w) sum += x[(size_t)iy * p->w + ix];
      }
      y[oy * p->ow + ox] = sum * scale;
    }
}

void cnn_f32_avgpool_bwd_ukernel__scalar(const struct cnn_pool_problem *p,
                                         const float *x, const float *dy,
                                         float *dx) {
  (void)x;
  const float scale = 1.0f / (float)(p->window_h * p->window_w);
  memset(dx, 0, sizeof(float) * (size_t)p->h * p->w);
  for (int oy = 0; oy < p->oh; oy++)
    for (int ox = 0; ox < p->ow; ox++) {
      const int y0 = oy * p->stride_h - p->pad_h, x0 = ox * p->stride_w - p->pad_w;
      const float share = dy[oy * p->ow + ox] * scale;
      for (int iy = y0; iy < y0 + p->window_h; iy++) {
        if (iy < 0 || iy >= p->h) continue;
        for (int ix = x0; ix < x0 + p->window_w; ix++)
          if (ix >= 0 && ix < p->w) dx[(size_t)iy * p->w + ix] += share;
      }
    }
}
