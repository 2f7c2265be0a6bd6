/* AVX2+FMA filter-vector backward-data micro-kernel: 6 channels x 2
 * positions, 12 accumulators within the 16 vector registers; the body is
 * kernels/f32_conv_dgrad_kv_simd.h. */
#include <immintrin.h>

enum { VL = 8 };
typedef __m256 kv_vec;
#define kv_zero() _mm256_setzero_ps()
#define kv_load(p) _mm256_loadu_ps(p)
#define kv_in_register(v) __asm__("" : "+x"(v))
#define kv_fma(acc, a, b) _mm256_fmadd_ps((a), (b), (acc))

/* Lanes (l0+l1)+(l2+l3), then the two 128-bit halves added. */
static inline void kv_sum4(__m256 v0, __m256 v1, __m256 v2, __m256 v3, float *out) {
  const __m256 h = _mm256_hadd_ps(_mm256_hadd_ps(v0, v1), _mm256_hadd_ps(v2, v3));
  _mm_storeu_ps(out, _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1)));
}

#include "kernels/f32_conv_dgrad_kv_simd.h"

void cnn_f32_conv_dgrad_kv_ukernel_6x2__avx2(const struct cnn_conv_dgrad_kv_geometry *g,
                                             size_t nc, size_t nj, size_t nr, size_t ns,
                                             const float *a, const float *x, float *c,
                                             size_t ldc) {
  dgrad_kv(6, 2, g, nc, nj, nr, ns, a, x, c, ldc);
}
