/* AVX-512 weight-gradient micro-kernels, 4 filters x 6 filter taps and
 * 5 x 5 (for 5x5 filters and filter counts divisible by 5), from one body:
 * each accumulator a vector of 16 partial sums over output positions and
 * images, reduced horizontally once at the end; a masked step covers the
 * tail of len. */
#include <immintrin.h>

#include "kernels/ukernels.h"

enum { MAX = 6 };

static inline __attribute__((always_inline)) void step(const int mr, const int nr,
                                                       __m512 acc[MAX][MAX],
                                                       const float *const g[MAX],
                                                       const float *const b[MAX],
                                                       size_t o, __mmask16 mask) {
  __m512 gv[MAX];
  #pragma GCC unroll 8
  for (int i = 0; i < mr; i++) gv[i] = _mm512_maskz_loadu_ps(mask, g[i] + o);
  #pragma GCC unroll 8
  for (int j = 0; j < nr; j++) {
    const __m512 bv = _mm512_maskz_loadu_ps(mask, b[j] + o);
    #pragma GCC unroll 8
    for (int i = 0; i < mr; i++) acc[i][j] = _mm512_fmadd_ps(gv[i], bv, acc[i][j]);
  }
}

static inline __attribute__((always_inline)) void tile(
    const int mr, const int nr, size_t batch, size_t len, const float *dy, size_t ld_dy,
    size_t dy_batch, const float *x, size_t x_batch, const int32_t *rows, float *c,
    size_t ldc, int accumulate) {
  __m512 acc[MAX][MAX];
  #pragma GCC unroll 8
  for (int i = 0; i < mr; i++)
    #pragma GCC unroll 8
    for (int j = 0; j < nr; j++) acc[i][j] = _mm512_setzero_ps();
  for (size_t bi = 0; bi < batch; bi++) {
    const float *g[MAX], *b[MAX];
    #pragma GCC unroll 8
    for (int i = 0; i < mr; i++) g[i] = dy + bi * dy_batch + i * ld_dy;
    #pragma GCC unroll 8
    for (int j = 0; j < nr; j++) b[j] = x + bi * x_batch + rows[j];
    size_t o = 0;
    for (; o + 16 <= len; o += 16) step(mr, nr, acc, g, b, o, (__mmask16)0xffff);
    if (o < len) step(mr, nr, acc, g, b, o, (__mmask16)((1u << (len - o)) - 1));
  }
  #pragma GCC unroll 8
  for (int i = 0; i < mr; i++)
    #pragma GCC unroll 8
    for (int j = 0; j < nr; j++) {
      const float sum = _mm512_reduce_add_ps(acc[i][j]);
      c[i * ldc + j] = accumulate ? c[i * ldc + j] + sum : sum;
    }
}

void cnn_f32_conv_wgrad_ukernel_4x6__avx512(size_t batch, size_t len, const float *dy,
                                            size_t ld_dy, size_t dy_batch, const float *x,
                                            size_t x_batch, const int32_t *rows, float *c,
                                            size_t ldc, int accumulate) {
  tile(4, 6, batch, len, dy, ld_dy, dy_batch, x, x_batch, rows, c, ldc, accumulate);
}

void cnn_f32_conv_wgrad_ukernel_5x5__avx512(size_t batch, size_t len, const float *dy,
                                            size_t ld_dy, size_t dy_batch, const float *x,
                                            size_t x_batch, const int32_t *rows, float *c,
                                            size_t ldc, int accumulate) {
  tile(5, 5, batch, len, dy, ld_dy, dy_batch, x, x_batch, rows, c, ldc, accumulate);
}
