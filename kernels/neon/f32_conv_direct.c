/* NEON direct-convolution micro-kernel: 6 output channels x 16 positions
 * (4 q registers per channel, 24 accumulators), specialised for every row
 * count 1..6 and vector count 1..4 like its x86 siblings. */
#include <arm_neon.h>

#include "kernels/ukernels.h"

enum { MR = 6, NV = 4, VL = 4 };

static inline __attribute__((always_inline)) void tile(const size_t mr, const size_t nv,
                                                       size_t kd, const float *a,
                                                       const float *x, const int32_t *rows,
                                                       float *c, size_t ldc, int accumulate) {
  float32x4_t acc[MR][NV];
  #pragma GCC unroll 8
  for (size_t i = 0; i < mr; i++)
    #pragma GCC unroll 8
    for (size_t v = 0; v < nv; v++) acc[i][v] = vdupq_n_f32(0.0f);
  for (size_t p = 0; p < kd; p++, a += MR) {
    const float *b = x + rows[p];
    float32x4_t bv[NV];
    #pragma GCC unroll 8
    for (size_t v = 0; v < nv; v++) bv[v] = vld1q_f32(b + VL * v);
    #pragma GCC unroll 8
    for (size_t i = 0; i < mr; i++) {
      const float ai = a[i];
      #pragma GCC unroll 8
      for (size_t v = 0; v < nv; v++) acc[i][v] = vfmaq_n_f32(acc[i][v], bv[v], ai);
    }
  }
  #pragma GCC unroll 8
  for (size_t i = 0; i < mr; i++)
    #pragma GCC unroll 8
    for (size_t v = 0; v < nv; v++) {
      float *ci = c + i * ldc + VL * v;
      float32x4_t sum = acc[i][v];
      if (accumulate) sum = vaddq_f32(vld1q_f32(ci), sum);
      vst1q_f32(ci, sum);
    }
}

#define ROWS(nv)                                                    \
  switch (mr) {                                                     \
    case 1: tile(1, nv, kd, a, x, rows, c, ldc, accumulate); break; \
    case 2: tile(2, nv, kd, a, x, rows, c, ldc, accumulate); break; \
    case 3: tile(3, nv, kd, a, x, rows, c, ldc, accumulate); break; \
    case 4: tile(4, nv, kd, a, x, rows, c, ldc, accumulate); break; \
    case 5: tile(5, nv, kd, a, x, rows, c, ldc, accumulate); break; \
    default: tile(MR, nv, kd, a, x, rows, c, ldc, accumulate); break; \
  }

void cnn_f32_conv_direct_ukernel_6x16__neon(size_t mr, size_t nr, size_t kd,
                                            const float *a, const float *x,
                                            const int32_t *rows, float *c, size_t ldc,
                                            int accumulate) {
  switch ((nr + VL - 1) / VL) {
    case 1: ROWS(1); break;
    case 2: ROWS(2); break;
    case 3: ROWS(3); break;
    default: ROWS(NV); break;
  }
}
