/* NEON direct-convolution micro-kernel: 6 output channels x 16 positions
 * (4 q registers per channel, 24 accumulators), specialised for every row
 * count 1..6 like its x86 siblings. */
#include <arm_neon.h>

#include "kernels/ukernels.h"

enum { MR = 6, NV = 4 };

static inline __attribute__((always_inline)) void tile(const size_t mr, size_t kd,
                                                       const float *a, const float *x,
                                                       const int32_t *rows, float *c,
                                                       size_t ldc, int accumulate) {
  float32x4_t acc[MR][NV];
  for (size_t i = 0; i < mr; i++)
    for (size_t v = 0; v < NV; v++) acc[i][v] = vdupq_n_f32(0.0f);
  for (size_t p = 0; p < kd; p++, a += MR) {
    const float *b = x + rows[p];
    const float32x4_t b0 = vld1q_f32(b), b1 = vld1q_f32(b + 4), b2 = vld1q_f32(b + 8),
                      b3 = vld1q_f32(b + 12);
    for (size_t i = 0; i < mr; i++) {
      const float ai = a[i];
      acc[i][0] = vfmaq_n_f32(acc[i][0], b0, ai);
      acc[i][1] = vfmaq_n_f32(acc[i][1], b1, ai);
      acc[i][2] = vfmaq_n_f32(acc[i][2], b2, ai);
      acc[i][3] = vfmaq_n_f32(acc[i][3], b3, ai);
    }
  }
  for (size_t i = 0; i < mr; i++)
    for (size_t v = 0; v < NV; v++) {
      float *ci = c + i * ldc + 4 * v;
      float32x4_t sum = acc[i][v];
      if (accumulate) sum = vaddq_f32(vld1q_f32(ci), sum);
      vst1q_f32(ci, sum);
    }
}

void cnn_f32_conv_direct_ukernel_6x16__neon(size_t mr, size_t kd, const float *a,
                                            const float *x, const int32_t *rows,
                                            float *c, size_t ldc, int accumulate) {
  switch (mr) {
    case 1: tile(1, kd, a, x, rows, c, ldc, accumulate); break;
    case 2: tile(2, kd, a, x, rows, c, ldc, accumulate); break;
    case 3: tile(3, kd, a, x, rows, c, ldc, accumulate); break;
    case 4: tile(4, kd, a, x, rows, c, ldc, accumulate); break;
    case 5: tile(5, kd, a, x, rows, c, ldc, accumulate); break;
    default: tile(MR, kd, a, x, rows, c, ldc, accumulate); break;
  }
}
