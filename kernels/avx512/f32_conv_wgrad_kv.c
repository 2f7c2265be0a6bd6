/* AVX-512 filter-vector weight-gradient micro-kernel: 16 filters (one zmm)
 * x up to 25 taps; the body is kernels/f32_conv_wgrad_kv_simd.h. The
 * broadcasts fold into the fused multiply-adds as memory operands. More
 * filters take several blocks of 16: a 32-filter tile (two zmm x 12 taps)
 * measured no faster on simple_c1 and 4% slower on mnist_3x3 (Zen 4), its
 * smaller tile of taps reading dy more often. */
#include <immintrin.h>

enum { VL = 16 };
typedef __m512 wk_vec;
#define wk_zero() _mm512_setzero_ps()
#define wk_load(p) _mm512_loadu_ps(p)
#define wk_store(p, v) _mm512_storeu_ps((p), (v))
#define wk_add(a, b) _mm512_add_ps((a), (b))
#define wk_fma(acc, v, p) _mm512_fmadd_ps((v), _mm512_set1_ps(*(p)), (acc))

#include "kernels/f32_conv_wgrad_kv_simd.h"

void cnn_f32_conv_wgrad_kv_ukernel_16x25__avx512(const struct cnn_conv_wgrad_kv_geometry *g,
                                                 const float *dy, const float *x,
                                                 const int32_t *rows, size_t nrow, size_t ns,
                                                 float *c, float *bias, int accumulate) {
  wgrad_kv(1, 25, g, dy, x, rows, nrow, ns, c, bias, accumulate);
}
