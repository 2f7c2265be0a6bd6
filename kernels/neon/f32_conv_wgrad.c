/* NEON weight-gradient micro-kernel: 4 filters x 6 filter taps, each
 * accumulator a vector of 4 partial sums over output positions, reduced
 * once at the end; the last len % 4 positions are summed in scalar code. */
#include <arm_neon.h>

#include "kernels/ukernels.h"

enum { MR = 4, NR = 6 };

void cnn_f32_conv_wgrad_ukernel_4x6__neon(size_t len, const float *dy, size_t ld_dy,
                                          const float *x, const int32_t *rows,
                                          float *c, size_t ldc, int accumulate) {
  const float *g[MR], *b[NR];
  for (int i = 0; i < MR; i++) g[i] = dy + i * ld_dy;
  for (int j = 0; j < NR; j++) b[j] = x + rows[j];
  float32x4_t acc[MR][NR];
  for (int i = 0; i < MR; i++)
    for (int j = 0; j < NR; j++) acc[i][j] = vdupq_n_f32(0.0f);
  size_t o = 0;
  for (; o + 4 <= len; o += 4) {
    float32x4_t gv[MR];
    for (int i = 0; i < MR; i++) gv[i] = vld1q_f32(g[i] + o);
    for (int j = 0; j < NR; j++) {
      const float32x4_t bv = vld1q_f32(b[j] + o);
      for (int i = 0; i < MR; i++) acc[i][j] = vfmaq_f32(acc[i][j], gv[i], bv);
    }
  }
  for (int i = 0; i < MR; i++)
    for (int j = 0; j < NR; j++) {
      float sum = vaddvq_f32(acc[i][j]);
      for (size_t t = o; t < len; t++) sum += g[i][t] * b[j][t];
      c[i * ldc + j] = accumulate ? c[i * ldc + j] + sum : sum;
    }
}
