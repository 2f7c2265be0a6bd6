/* AVX-512 channel-vector backward-data micro-kernels: 16 channels (one
 * zmm) x 16 positions and 32 channels (two zmm) x 10 positions; the body is
 * kernels/f32_conv_dgrad_cv_simd.h. */
#include <immintrin.h>

enum { VL = 16 };
typedef __m512 dc_vec;
#define dc_zero() _mm512_setzero_ps()
#define dc_load(p) _mm512_loadu_ps(p)
#define dc_store(p, v) _mm512_store_ps((p), (v))
#define dc_broadcast(p) _mm512_set1_ps(*(p))
#define dc_fma(acc, a, b) _mm512_fmadd_ps((a), (b), (acc))

#include "kernels/f32_conv_dgrad_cv_simd.h"

void cnn_f32_conv_dgrad_cv_ukernel_16x16__avx512(size_t nc, size_t nj, size_t steps, size_t s,
                                                 size_t u_lo, size_t u_hi, const float *a, const float *x,
                                                 const int32_t *rows, float *c, size_t ldc) {
  dgrad_cv(1, 16, nc, nj, steps, s, u_lo, u_hi, a, x, rows, c, ldc);
}

void cnn_f32_conv_dgrad_cv_ukernel_32x10__avx512(size_t nc, size_t nj, size_t steps, size_t s,
                                                 size_t u_lo, size_t u_hi, const float *a, const float *x,
                                                 const int32_t *rows, float *c, size_t ldc) {
  dgrad_cv(2, 10, nc, nj, steps, s, u_lo, u_hi, a, x, rows, c, ldc);
}
