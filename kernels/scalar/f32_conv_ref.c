/* The direct convolution, written as the 7-loop sums of ukernels.h. Padding
 * reads as 0 and takes part in the sums like any pixel, as in the faster
 * paths, which multiply padded or zero-filled inputs: a NaN or infinite
 * weight (or gradient) times a padding 0 gives NaN here as there. */
#include <string.h>

#include "kernels/ukernels.h"

/* Offsets into NCHW activations and KCRS filters. */
static size_t at(int c_count, int h_count, int w_count, int n, int c, int y, int x) {
  return (((size_t)n * c_count + c) * h_count + y) * w_count + x;
}

/* The input row and column that output (oy, ox) reads through filter tap
 * (r, s); nonzero when that pixel is inside the image, not padding. */
static int input_pixel(const struct cnn_conv_problem *p, int oy, int ox, int r,
                       int s, int *iy, int *ix) {
  *iy = oy * p->stride_h - p->pad_h + r;
  *ix = ox * p->stride_w - p->pad_w + s;
  return *iy >= 0 && *iy < p->h && *ix >= 0 && *ix < p->w;
}

/* The value of channel c of image n that output (oy, ox) reads through tap
 * (r, s): the pixel, or 0 in the padding. */
static float input_value(const struct cnn_conv_problem *p, const float *x, int n, int c,
                         int oy, int ox, int r, int s) {
  int iy, ix;
  return input_pixel(p, oy, ox, r, s, &iy, &ix) ? x[at(p->c, p->h, p->w, n, c, iy, ix)]
                                                 : 0.0f;
}

void cnn_f32_conv_fwd_ref(const struct cnn_conv_problem *p, const float *x,
                          const float *w, const float *bias, float *y) {
  for (int n = 0; n < p->n; n++)
    for (int k = 0; k < p->k; k++)
      for (int oy = 0; oy < p->oh; oy++)
        for (int ox = 0; ox < p->ow; ox++) {
          float sum = 0.0f;
          for (int c = 0; c < p->c; c++)
            for (int r = 0; r < p->r; r++)
              for (int s = 0; s < p->s; s++)
                sum += input_value(p, x, n, c, oy, ox, r, s) *
                       w[at(p->c, p->r, p->s, k, c, r, s)];
          y[at(p->k, p->oh, p->ow, n, k, oy, ox)] = bias ? sum + bias[k] : sum;
        }
}

void cnn_f32_conv_bwd_data_ref(const struct cnn_conv_problem *p, const float *dy,
                               const float *w, float *dx) {
  memset(dx, 0, sizeof(float) * (size_t)p->n * p->c * p->h * p->w);
  for (int n = 0; n < p->n; n++)
    for (int k = 0; k < p->k; k++)
      for (int oy = 0; oy < p->oh; oy++)
        for (int ox = 0; ox < p->ow; ox++) {
          const float g = dy[at(p->k, p->oh, p->ow, n, k, oy, ox)];
          for (int c = 0; c < p->c; c++)
            for (int r = 0; r < p->r; r++)
              for (int s = 0; s < p->s; s++) {
                int iy, ix;
                if (input_pixel(p, oy, ox, r, s, &iy, &ix))
                  dx[at(p->c, p->h, p->w, n, c, iy, ix)] +=
                      g * w[at(p->c, p->r, p->s, k, c, r, s)];
              }
        }
}

void cnn_f32_conv_bwd_weights_ref(const struct cnn_conv_problem *p, const float *x,
                                  const float *dy, float *dw, float *dbias) {
  for (int k = 0; k < p->k; k++) {
    for (int c = 0; c < p->c; c++)
      for (int r = 0; r < p->r; r++)
        for (int s = 0; s < p->s; s++) {
          float sum = 0.0f;
          for (int n = 0; n < p->n; n++)
            for (int oy = 0; oy < p->oh; oy++)
              for (int ox = 0; ox < p->ow; ox++)
                sum += dy[at(p->k, p->oh, p->ow, n, k, oy, ox)] *
                       input_value(p, x, n, c, oy, ox, r, s);
          dw[at(p->c, p->r, p->s, k, c, r, s)] = sum;
        }
    if (dbias) {
      float sum = 0.0f;
      for (int n = 0; n < p->n; n++)
        for (int oy = 0; oy < p->oh; oy++)
          for (int ox = 0; ox < p->ow; ox++) sum += dy[at(p->k, p->oh, p->ow, n, k, oy, ox)];
      dbias[k] = sum;
    }
  }
}
