#include <string.h>

#include "kernels/scalar/f32_pool_window.h"
#include "kernels/ukernels.h"

void cnn_f32_maxpool_ukernel__scalar(const struct cnn_pool_problem *p,
                                     const float *x, float *y) {
  for (int oy = 0; oy < p->oh; oy++)
    for (int ox = 0; ox < p->ow; ox++)
      y[oy * p->ow + ox] = cnn_f32_pool_max__scalar(p, x, oy, ox);
}

void cnn_f32_maxpool_bwd_ukernel__scalar(const struct cnn_pool_problem *p,
                                         const float *x, const float *dy,
                                         float *dx) {
  memset(dx, 0, sizeof(float) * (size_t)p->h * p->w);
  for (int oy = 0; oy < p->oh; oy++)
    for (int ox = 0; ox < p->ow; ox++)
      dx[cnn_f32_pool_argmax__scalar(p, x, oy, ox)] += dy[oy * p->ow + ox];
  if (p->relu_grad) cnn_f32_pool_relu_grad__scalar((size_t)p->h * p->w, x, dx);
}
