/* AVX-512 direct-convolution micro-kernel: 6 output channels x 64 positions
 * (4 zmm per channel, 24 accumulators). Each step loads the vectors of the
 * shifted source row and broadcasts one filter value per channel. The tile
 * body is specialised for every row count 1..6 and vector count 1..4, so
 * narrow problems (one to three channels in backward-data) and the last,
 * partial tile of an image do no work for absent rows or columns. */
#include <immintrin.h>

#include "kernels/ukernels.h"

enum { MR = 6, NV = 4, VL = 16 };

static inline __attribute__((always_inline)) void tile(const size_t mr, const size_t nv,
                                                       size_t kd, const float *a,
                                                       const float *x, const int32_t *rows,
                                                       float *c, size_t ldc, int accumulate) {
  __m512 acc[MR][NV];
  #pragma GCC unroll 8
  for (size_t i = 0; i < mr; i++)
    #pragma GCC unroll 8
    for (size_t v = 0; v < nv; v++) acc[i][v] = _mm512_setzero_ps();
  for (size_t p = 0; p < kd; p++, a += MR) {
    const float *b = x + rows[p];
    __m512 bv[NV];
    #pragma GCC unroll 8
    for (size_t v = 0; v < nv; v++) bv[v] = _mm512_loadu_ps(b + VL * v);
    #pragma GCC unroll 8
    for (size_t i = 0; i < mr; i++) {
      const __m512 ai = _mm512_set1_ps(a[i]);
      #pragma GCC unroll 8
      for (size_t v = 0; v < nv; v++) acc[i][v] = _mm512_fmadd_ps(ai, bv[v], acc[i][v]);
    }
  }
  #pragma GCC unroll 8
  for (size_t i = 0; i < mr; i++)
    #pragma GCC unroll 8
    for (size_t v = 0; v < nv; v++) {
      float *ci = c + i * ldc + VL * v;
      __m512 sum = acc[i][v];
      if (accumulate) sum = _mm512_add_ps(_mm512_loadu_ps(ci), sum);
      _mm512_storeu_ps(ci, sum);
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

void cnn_f32_conv_direct_ukernel_6x64__avx512(size_t mr, size_t nr, size_t kd,
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
