/* AVX2+FMA weight-gradient micro-kernel: 3 filters x 4 filter taps, each
 * accumulator a vector of 8 partial sums over output positions and images,
 * reduced horizontally once at the end; a masked step covers the tail of
 * len. */
#include <immintrin.h>

#include "kernels/ukernels.h"

enum { MR = 3, NR = 4 };

static inline __attribute__((always_inline)) void step(__m256 acc[MR][NR],
                                                       const float *const g[MR],
                                                       const float *const b[NR],
                                                       size_t o, __m256i mask) {
  __m256 gv[MR];
  #pragma GCC unroll 8
  for (int i = 0; i < MR; i++) gv[i] = _mm256_maskload_ps(g[i] + o, mask);
  #pragma GCC unroll 8
  for (int j = 0; j < NR; j++) {
    const __m256 bv = _mm256_maskload_ps(b[j] + o, mask);
    #pragma GCC unroll 8
    for (int i = 0; i < MR; i++) acc[i][j] = _mm256_fmadd_ps(gv[i], bv, acc[i][j]);
  }
}

static inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

void cnn_f32_conv_wgrad_ukernel_3x4__avx2(size_t batch, size_t len, const float *dy,
                                          size_t ld_dy, size_t dy_batch, const float *x,
                                          size_t x_batch, const int32_t *rows, float *c,
                                          size_t ldc, int accumulate) {
  __m256 acc[MR][NR];
  #pragma GCC unroll 8
  for (int i = 0; i < MR; i++)
    #pragma GCC unroll 8
    for (int j = 0; j < NR; j++) acc[i][j] = _mm256_setzero_ps();
  const __m256i all = _mm256_set1_epi32(-1);
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i tail = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(len % 8)), lane);
  for (size_t bi = 0; bi < batch; bi++) {
    const float *g[MR], *b[NR];
    #pragma GCC unroll 8
    for (int i = 0; i < MR; i++) g[i] = dy + bi * dy_batch + i * ld_dy;
    #pragma GCC unroll 8
    for (int j = 0; j < NR; j++) b[j] = x + bi * x_batch + rows[j];
    size_t o = 0;
    for (; o + 8 <= len; o += 8) step(acc, g, b, o, all);
    if (o < len) step(acc, g, b, o, tail);
  }
  #pragma GCC unroll 8
  for (int i = 0; i < MR; i++)
    #pragma GCC unroll 8
    for (int j = 0; j < NR; j++) {
      const float sum = hsum(acc[i][j]);
      c[i * ldc + j] = accumulate ? c[i * ldc + j] + sum : sum;
    }
}
