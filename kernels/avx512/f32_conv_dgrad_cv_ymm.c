/* AVX-512VL channel-vector backward-data micro-kernel for few channels:
 * 8 channels (one ymm, at the zmm rate of multiply-adds on cores that split
 * zmm) x 16 positions in the 32 vector registers; the body is
 * kernels/f32_conv_dgrad_cv_simd.h. */
#include <immintrin.h>

enum { VL = 8 };
typedef __m256 dc_vec;
#define dc_zero() _mm256_setzero_ps()
#define dc_load(p) _mm256_loadu_ps(p)
#define dc_store(p, v) _mm256_store_ps((p), (v))
#define dc_broadcast(p) _mm256_set1_ps(*(p))
#define dc_fma(acc, a, b) _mm256_fmadd_ps((a), (b), (acc))

#include "kernels/f32_conv_dgrad_cv_simd.h"

void cnn_f32_conv_dgrad_cv_ukernel_8x16__avx512(size_t nc, size_t nj, size_t steps, size_t s,
                                                size_t u_lo, size_t u_hi, const float *a, const float *x,
                                                const int32_t *rows, float *c, size_t ldc) {
  dgrad_cv(1, 16, nc, nj, steps, s, u_lo, u_hi, a, x, rows, c, ldc);
}
