#include <string.h>

#include "kernels/ukernels.h"

void cnn_f32_col2im_ukernel__scalar(const struct cnn_conv_problem *p,
                                    const float *col, float *x) {
  const int plane = p->oh * p->ow;
  memset(x, 0, sizeof(float) * (size_t)p->c * p->h * p->w);
  for (int c = 0; c < p->c; c++)
    for (int r = 0; r < p->r; r++)
      for (int s = 0; s < p->s; s++) {
        const float *row = col + (size_t)((c * p->r + r) * p->s + s) * plane;
        for (int oy = 0; oy < p->oh; oy++) {
          const int iy = oy * p->stride_h - p->pad_h + r;
          if (iy < 0 || iy >= p->h) continue;
          for (int ox = 0; ox < p->ow; ox++) {
            const int ix = ox * p->stride_w - p->pad_w + s;
            if (ix < 0 || ix >= p->w) continue;
            x[((size_t)c * p->h + iy) * p->w + ix] += row[oy * p->ow + ox];
          }
        }
      }
}
