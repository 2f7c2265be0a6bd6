/* NEON GEMM micro-kernel, 8x12.
 *
 * The tile comes from the 32 q registers: 8 rows x 3 vectors of 4 = 24
 * accumulators, 3 registers for the B row of the k step and 2 holding the 8
 * A values, whose lanes feed the by-element FMA (29 of 32). 24 independent
 * chains cover two FMA pipes of latency 4, and each k step issues 24 FMAs
 * against 5 vector loads. */
#include <arm_neon.h>
#include <assert.h>

#include "kernels/ukernels.h"

enum { MR = 8, NR = 12 };

void cnn_f32_gemm_ukernel_8x12__neon(size_t k, const float *a, const float *b,
                                     float *c, size_t ldc, int accumulate) {
  assert(k >= 1);
  float32x4_t acc[MR][3];
#pragma GCC unroll 16
  for (int i = 0; i < MR; i++) acc[i][0] = acc[i][1] = acc[i][2] = vdupq_n_f32(0.0f);
  for (size_t p = 0; p < k; p++) {
    float32x4_t b0 = vld1q_f32(b), b1 = vld1q_f32(b + 4), b2 = vld1q_f32(b + 8);
    float32x4_t a0 = vld1q_f32(a), a1 = vld1q_f32(a + 4);
#define CNN_ROW(i, av, lane)                                  \
  acc[i][0] = vfmaq_laneq_f32(acc[i][0], b0, av, lane);       \
  acc[i][1] = vfmaq_laneq_f32(acc[i][1], b1, av, lane);       \
  acc[i][2] = vfmaq_laneq_f32(acc[i][2], b2, av, lane);
    CNN_ROW(0, a0, 0) CNN_ROW(1, a0, 1) CNN_ROW(2, a0, 2) CNN_ROW(3, a0, 3)
    CNN_ROW(4, a1, 0) CNN_ROW(5, a1, 1) CNN_ROW(6, a1, 2) CNN_ROW(7, a1, 3)
#undef CNN_ROW
    a += MR;
    b += NR;
  }
#pragma GCC unroll 16
  for (int i = 0; i < MR; i++) {
    float *row = c + i * ldc;
#pragma GCC unroll 3
    for (int v = 0; v < 3; v++) {
      float32x4_t sum = accumulate ? vaddq_f32(vld1q_f32(row + 4 * v), acc[i][v]) : acc[i][v];
      vst1q_f32(row + 4 * v, sum);
    }
  }
}
