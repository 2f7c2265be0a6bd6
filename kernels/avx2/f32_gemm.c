/* AVX2+FMA GEMM micro-kernel, 6x16.
 *
 * The tile comes from the 16 ymm registers: 6 rows x 2 vectors of 8 = 12
 * accumulators, 2 registers for the B row of the k step and 1 for the
 * broadcast A value (15 of 16, nothing spills). 12 independent FMA chains
 * cover two FMA pipes of latency 4 to 5 (8 to 10 in flight), and each k
 * step issues 12 FMAs against 2 vector loads and 6 broadcasts, well inside
 * the load ports. */
#include <assert.h>
#include <immintrin.h>

#include "kernels/ukernels.h"

enum { MR = 6, NR = 16 };

void cnn_f32_gemm_ukernel_6x16__avx2(size_t k, const float *a, const float *b,
                                     float *c, size_t ldc, int accumulate) {
  assert(k >= 1);
  __m256 lo[MR], hi[MR];
  /* C is touched only after the k loop: start bringing its rows (two or
   * three lines each, C need not be aligned) into L1 now. */
#pragma GCC unroll 16
  for (int i = 0; i < MR; i++) {
    _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch((const char *)(c + i * ldc + NR - 1), _MM_HINT_T0);
  }
#pragma GCC unroll 16
  for (int i = 0; i < MR; i++) lo[i] = hi[i] = _mm256_setzero_ps();
  for (size_t p = 0; p < k; p++) {
    __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
#pragma GCC unroll 16
    for (int i = 0; i < MR; i++) {
      __m256 ai = _mm256_broadcast_ss(a + i);
      lo[i] = _mm256_fmadd_ps(ai, b0, lo[i]);
      hi[i] = _mm256_fmadd_ps(ai, b1, hi[i]);
    }
    a += MR;
    b += NR;
  }
#pragma GCC unroll 16
  for (int i = 0; i < MR; i++) {
    float *row = c + i * ldc;
    if (accumulate) {
      lo[i] = _mm256_add_ps(_mm256_loadu_ps(row), lo[i]);
      hi[i] = _mm256_add_ps(_mm256_loadu_ps(row + 8), hi[i]);
    }
    _mm256_storeu_ps(row, lo[i]);
    _mm256_storeu_ps(row + 8, hi[i]);
  }
}
