#include <string.h>

#include "kernels/scalar/f32_pool_window.h"
#include "kernels/ukernels.h"

void cnn_f32_avgpool_ukernel__scalar(const struct cnn_pool_problem *p,
                                     const float *x, float *y) {
  const float scale = 1.0f / (float)(p->window_h * p->window_w);
  for (int oy = 0; oy < p->oh; oy++)
    for (int ox = 0; ox < p->ow; ox++)
      y[oy * p->ow + ox] = cnn_f32_pool_window_sum__scalar(p, x, oy, ox) * scale;
}

void cnn_f32_avgpool_bwd_ukernel__scalar(const struct cnn_pool_problem *p,
                                         const float *x, const float *dy,
                                         float *dx) {
  (void)x;
  const float scale = 1.0f / (float)(p->window_h * p->window_w);
  memset(dx, 0, sizeof(float) * (size_t)p->h * p->w);
  for (int oy = 0; oy < p->oh; oy++)
    for (int ox = 0; ox < p->ow; ox++)
      cnn_f32_pool_window_add__scalar(p, dx, oy, ox, dy[oy * p->ow + ox] * scale);
}
