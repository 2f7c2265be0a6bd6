/* NEON weight-gradient micro-kernel: 4 filters x 6 filter taps, each
 * accumulator a vector of 4 partial sums over output positions and images,
 * reduced once at the end; the last len % 4 positions of every image are
 * summed in scalar code. */
#include <arm_neon.h>

#include "kernels/ukernels.h"

enum { MR = 4, NR = 6 };

void cnn_f32_conv_wgrad_ukernel_4x6__neon(size_t batch, size_t len, const float *dy,
                                          size_t ld_dy, size_t dy_batch, const float *x,
                                          size_t x_batch, const int32_t *rows, float *c,
                                          size_t ldc, int accumulate) {
  float32x4_t acc[MR][NR];
  float tail[MR][NR] = {{0}};
  #pragma GCC unroll 8
  for (int i = 0; i < MR; i++)
    #pragma GCC unroll 8
    for (int j = 0; j < NR; j++) acc[i][j] = vdupq_n_f32(0.0f);
  const size_t body = len / 4 * 4;
  for (size_t bi = 0; bi < batch; bi++) {
    const float *g[MR], *b[NR];
    #pragma GCC unroll 8
    for (int i = 0; i < MR; i++) g[i] = dy + bi * dy_batch + i * ld_dy;
    #pragma GCC unroll 8
    for (int j = 0; j < NR; j++) b[j] = x + bi * x_batch + rows[j];
    for (size_t o = 0; o < body; o += 4) {
      float32x4_t gv[MR];
      #pragma GCC unroll 8
      for (int i = 0; i < MR; i++) gv[i] = vld1q_f32(g[i] + o);
      #pragma GCC unroll 8
      for (int j = 0; j < NR; j++) {
        const float32x4_t bv = vld1q_f32(b[j] + o);
        #pragma GCC unroll 8
        for (int i = 0; i < MR; i++) acc[i][j] = vfmaq_f32(acc[i][j], gv[i], bv);
      }
    }
    #pragma GCC unroll 8
    for (int i = 0; i < MR; i++)
      #pragma GCC unroll 8
      for (int j = 0; j < NR; j++)
        for (size_t t = body; t < len; t++) tail[i][j] += g[i][t] * b[j][t];
  }
  #pragma GCC unroll 8
  for (int i = 0; i < MR; i++)
    #pragma GCC unroll 8
    for (int j = 0; j < NR; j++) {
      const float sum = vaddvq_f32(acc[i][j]) + tail[i][j];
      c[i * ldc + j] = accumulate ? c[i * ldc + j] + sum : sum;
    }
}
