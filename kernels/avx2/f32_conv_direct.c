/* AVX2+FMA direct-convolution micro-kernel: 6 output channels x 16
 * positions (2 ymm per channel, 12 accumulators), specialised for every
 * row count 1..6 and vector count 1..2 like its AVX-512 sibling. */
#include <immintrin.h>

#include "kernels/ukernels.h"

enum { MR = 6, NV = 2, VL = 8 };

static inline __attribute__((always_inline)) void tile(const size_t mr, const size_t nv,
                                                       size_t kd, const float *a,
                                                       const float *x, const int32_t *rows,
                                                       float *c, size_t ldc, int accumulate) {
  __m256 acc[MR][NV];
  #pragma GCC unroll 8
  for (size_t i = 0; i < mr; i++)
    #pragma GCC unroll 8
    for (size_t v = 0; v < nv; v++) acc[i][v] = _mm256_setzero_ps();
  for (size_t p = 0; p < kd; p++, a += MR) {
    const float *b = x + rows[p];
    __m256 bv[NV];
    #pragma GCC unroll 8
    for (size_t v = 0; v < nv; v++) bv[v] = _mm256_loadu_ps(b + VL * v);
    #pragma GCC unroll 8
    for (size_t i = 0; i < mr; i++) {
      const __m256 ai = _mm256_broadcast_ss(a + i);
      #pragma GCC unroll 8
      for (size_t v = 0; v < nv; v++) acc[i][v] = _mm256_fmadd_ps(ai, bv[v], acc[i][v]);
    }
  }
  #pragma GCC unroll 8
  for (size_t i = 0; i < mr; i++)
    #pragma GCC unroll 8
    for (size_t v = 0; v < nv; v++) {
      float *ci = c + i * ldc + VL * v;
      __m256 sum = acc[i][v];
      if (accumulate) sum = _mm256_add_ps(_mm256_loadu_ps(ci), sum);
      _mm256_storeu_ps(ci, sum);
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

void cnn_f32_conv_direct_ukernel_6x16__avx2(size_t mr, size_t nr, size_t kd,
                                            const float *a, const float *x,
                                            const int32_t *rows, float *c, size_t ldc,
                                            int accumulate) {
  if (nr <= VL) {
    ROWS(1);
  } else {
    ROWS(NV);
  }
}
