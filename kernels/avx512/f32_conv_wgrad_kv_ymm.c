/* AVX-512VL filter-vector weight-gradient micro-kernel for few filters:
 * 8 filters (one ymm, at the zmm rate of multiply-adds on cores that split
 * zmm) x up to 25 taps, the 32 vector registers of AVX-512 holding the
 * tile; the body is kernels/f32_conv_wgrad_kv_simd.h. */
#include <immintrin.h>

enum { VL = 8 };
typedef __m256 wk_vec;
#define wk_zero() _mm256_setzero_ps()
#define wk_load(p) _mm256_loadu_ps(p)
#define wk_store(p, v) _mm256_storeu_ps((p), (v))
#define wk_add(a, b) _mm256_add_ps((a), (b))
#define wk_fma(acc, v, p) _mm256_fmadd_ps((v), _mm256_set1_ps(*(p)), (acc))

#include "kernels/f32_conv_wgrad_kv_simd.h"

void cnn_f32_conv_wgrad_kv_ukernel_8x25__avx512(const struct cnn_conv_wgrad_kv_geometry *g,
                                                const float *dy, const float *x,
                                                const int32_t *rows, size_t nrow, size_t ns,
                                                float *c, float *bias, int accumulate) {
  wgrad_kv(1, 25, g, dy, x, rows, nrow, ns, c, bias, accumulate);
}
