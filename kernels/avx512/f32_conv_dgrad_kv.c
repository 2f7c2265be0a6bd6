/* AVX-512 filter-vector backward-data micro-kernel: 6 channels x 4
 * positions, 24 accumulators of the 32 vector registers; the body is
 * kernels/f32_conv_dgrad_kv_simd.h. */
#include <immintrin.h>

enum { VL = 16 };
typedef __m512 kv_vec;
#define kv_zero() _mm512_setzero_ps()
#define kv_load(p) _mm512_loadu_ps(p)
#define kv_in_register(v) __asm__("" : "+v"(v))
#define kv_fma(acc, a, b) _mm512_fmadd_ps((a), (b), (acc))

/* The 256-bit halves added, then the lanes as the AVX2 kernel does. */
static inline __m256 halves(__m512 v) {
  return _mm256_add_ps(_mm512_castps512_ps256(v), _mm512_extractf32x8_ps(v, 1));
}
static inline void kv_sum4(__m512 v0, __m512 v1, __m512 v2, __m512 v3, float *out) {
  const __m256 h = _mm256_hadd_ps(_mm256_hadd_ps(halves(v0), halves(v1)),
                                  _mm256_hadd_ps(halves(v2), halves(v3)));
  _mm_storeu_ps(out, _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1)));
}

#include "kernels/f32_conv_dgrad_kv_simd.h"

void cnn_f32_conv_dgrad_kv_ukernel_6x4__avx512(const struct cnn_conv_dgrad_kv_geometry *g,
                                               size_t nc, size_t nj, size_t nr, size_t ns,
                                               const float *a, const float *x, float *c,
                                               size_t ldc) {
  dgrad_kv(6, 4, g, nc, nj, nr, ns, a, x, c, ldc);
}
