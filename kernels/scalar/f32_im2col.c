#include "kernels/ukernels.h"

void cnn_f32_im2col_ukernel__scalar(const struct cnn_conv_problem *p,
                                    const float *x, float *col) {
  const int plane = p->oh * p->ow;
  for (int c = 0; c < p->c; c++)
    for (int r = 0; r < p->r; r++)
      for (int s = 0; s < p->s; s++) {
        float *row = col + (size_t)((c * p->r + r) * p->s + s) * plane;
        for (int oy = 0; oy < p->oh; oy++) {
          const int iy = oy * p->stride_h - p->pad_h + r;
          for (int ox = 0; ox < p->ow; ox++) {
            const int ix = ox * p->stride_w - p->pad_w + s;
            const int inside = iy >= 0 && iy < p->h && ix >= 0 && ix < p->w;
            row[oy * p->ow + ox] = inside ? x[((size_t)c * p->h + iy) * p->w + ix] : 0.0f;
          }
        }
      }
}
