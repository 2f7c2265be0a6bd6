#include <string.h>

#include "kernels/ukernels.h"

/* The first largest real pixel of the window of output (oy, ox), as an
 * offset into the plane. */
static size_t argmax(const struct cnn_pool_problem *p, const float *x, int oy, int ox) {
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

void cnn_f32_maxpool_ukernel__scalar(const struct cnn_pool_problem *p,
                                     const float *x, float *y) {
  for (int oy = 0; oy < p->oh; oy++)
    for (int ox = 0; ox < p->ow; ox++) y[oy * p->ow + ox] = x[argmax(p, x, oy, ox)];
}

void cnn_f32_maxpool_bwd_ukernel__scalar(const struct cnn_pool_problem *p,
                                         const float *x, const float *dy,
                                         float *dx) {
  memset(dx, 0, sizeof(float) * (size_t)p->h * p->w);
  for (int oy = 0; oy < p->oh; oy++)
    for (int ox = 0; ox < p->ow; ox++) dx[argmax(p, x, oy, ox)] += dy[oy * p->ow + ox];
}
