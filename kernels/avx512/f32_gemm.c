/* AVX-512F GEMM micro-kernels, 8x32 and the short 6x32.
 *
 * The tile comes from the 32 zmm registers and from how Zen 4 runs them: 8
 * rows x 2 vectors of 16 = 16 accumulators, 2 registers for the B row and
 * 1 broadcast (19 of 32). Zen 4 executes a 512-bit FMA on both of its
 * 256-bit pipes (one per cycle, latency 4), so 4 independent chains already
 * saturate it and 16 leave slack; taller tiles (12x32, 14x32 use 24 and 28
 * accumulators) measured within 1-2% of 8x32 with the panels in L1, while 8
 * rows divide the filter counts of the convolutions (16, 64, 256) and waste
 * less on short M. On CPUs with two 512-bit FMA units a taller tile would
 * pay off; this one is sized for the machine it is tuned on.
 * The 6x32 variant (12 accumulators, 3% slower in L1) serves problems of
 * few rows that it pads less: M = 6 (the first convolution of LeNet-5) fills
 * it exactly where 8x32 would compute 25% zeros. */
#include <assert.h>
#include <immintrin.h>

#include "kernels/ukernels.h"

enum { NR = 32 };

/* The tile of mr rows (a constant where it is inlined) by 32 columns. */
static inline __attribute__((always_inline)) void gemm_tile(const int MR, size_t k,
                                                            const float *a, const float *b,
                                                            float *c, size_t ldc,
                                                            int accumulate) {
  assert(k >= 1);
  __m512 lo[8], hi[8];
  assert(MR <= 8);
  /* C is touched only after the k loop: start bringing its rows (two or
   * three lines each, C need not be aligned) into L1 now. */
#pragma GCC unroll 16
  for (int i = 0; i < MR; i++) {
    _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch((const char *)(c + i * ldc + NR - 1), _MM_HINT_T0);
  }
#pragma GCC unroll 16
  for (int i = 0; i < MR; i++) lo[i] = hi[i] = _mm512_setzero_ps();
  for (size_t p = 0; p < k; p++) {
    __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16);
#pragma GCC unroll 16
    for (int i = 0; i < MR; i++) {
      __m512 ai = _mm512_set1_ps(a[i]);
      lo[i] = _mm512_fmadd_ps(ai, b0, lo[i]);
      hi[i] = _mm512_fmadd_ps(ai, b1, hi[i]);
    }
    a += MR;
    b += NR;
  }
#pragma GCC unroll 16
  for (int i = 0; i < MR; i++) {
    float *row = c + i * ldc;
    if (accumulate) {
      lo[i] = _mm512_add_ps(_mm512_loadu_ps(row), lo[i]);
      hi[i] = _mm512_add_ps(_mm512_loadu_ps(row + 16), hi[i]);
    }
    _mm512_storeu_ps(row, lo[i]);
    _mm512_storeu_ps(row + 16, hi[i]);
  }
}

void cnn_f32_gemm_ukernel_8x32__avx512(size_t k, const float *a, const float *b, float *c,
                                       size_t ldc, int accumulate) {
  gemm_tile(8, k, a, b, c, ldc, accumulate);
}

void cnn_f32_gemm_ukernel_6x32__avx512(size_t k, const float *a, const float *b, float *c,
                                       size_t ldc, int accumulate) {
  gemm_tile(6, k, a, b, c, ldc, accumulate);
}
