/* AVX2+FMA direct-convolution micro-kernel: 6 output channels x 16
 * positions (2 ymm per channel, 12 accumulators), specialised for every
 * row count 1..6 like its AVX-512 sibling. */
#include <immintrin.h>

#include "kernels/ukernels.h"

enum { MR = 6, NV = 2 };

static inline __attribute__((always_inline)) void tile(const size_t mr, size_t kd,
                                                       const float *a, const float *x,
                                                       const int32_t *rows, float *c,
                                                       size_t ldc, int accumulate) {
  __m256 acc[MR][NV];
  for (size_t i = 0; i < mr; i++)
    for (size_t v = 0; v < NV; v++) acc[i][v] = _mm256_setzero_ps();
  for (size_t p = 0; p < kd; p++, a += MR) {
    const float *b = x + rows[p];
    const __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
    for (size_t i = 0; i < mr; i++) {
      const __m256 ai = _mm256_broadcast_ss(a + i);
      acc[i][0] = _mm256_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm256_fmadd_ps(ai, b1, acc[i][1]);
    }
  }
  for (size_t i = 0; i < mr; i++)
    for (size_t v = 0; v < NV; v++) {
      float *ci = c + i * ldc + 8 * v;
      __m256 sum = acc[i][v];
      if (accumulate) sum = _mm256_add_ps(_mm256_loadu_ps(ci), sum);
      _mm256_storeu_ps(ci, sum);
    }
}

void cnn_f32_conv_direct_ukernel_6x16__avx2(size_t mr, size_t kd, const float *a,
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
