/* AVX-512 direct-convolution micro-kernel: 6 output channels x 64 positions
 * (4 zmm per channel, 24 accumulators). Each step loads 4 vectors of the
 * shifted source row and broadcasts one filter value per channel. The tile
 * body is specialised for every row count 1..6, so narrow problems (one to
 * three channels in backward-data) do no work for absent rows. */
#include <immintrin.h>

#include "kernels/ukernels.h"

enum { MR = 6, NV = 4 };

static inline __attribute__((always_inline)) void tile(const size_t mr, size_t kd,
                                                       const float *a, const float *x,
                                                       const int32_t *rows, float *c,
                                                       size_t ldc, int accumulate) {
  __m512 acc[MR][NV];
  for (size_t i = 0; i < mr; i++)
    for (size_t v = 0; v < NV; v++) acc[i][v] = _mm512_setzero_ps();
  for (size_t p = 0; p < kd; p++, a += MR) {
    const float *b = x + rows[p];
    const __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16),
                 b2 = _mm512_loadu_ps(b + 32), b3 = _mm512_loadu_ps(b + 48);
    for (size_t i = 0; i < mr; i++) {
      const __m512 ai = _mm512_set1_ps(a[i]);
      acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);
      acc[i][2] = _mm512_fmadd_ps(ai, b2, acc[i][2]);
      acc[i][3] = _mm512_fmadd_ps(ai, b3, acc[i][3]);
    }
  }
  for (size_t i = 0; i < mr; i++)
    for (size_t v = 0; v < NV; v++) {
      float *ci = c + i * ldc + 16 * v;
      __m512 sum = acc[i][v];
      if (accumulate) sum = _mm512_add_ps(_mm512_loadu_ps(ci), sum);
      _mm512_storeu_ps(ci, sum);
    }
}

void cnn_f32_conv_direct_ukernel_6x64__avx512(size_t mr, size_t kd, const float *a,
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
