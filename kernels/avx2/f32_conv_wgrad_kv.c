/* AVX2+FMA filter-vector weight-gradient micro-kernels: 8 filters (one
 * ymm) x up to 12 taps and 16 filters (two ymm) x up to 6 taps, within the
 * 16 vector registers; the body is kernels/f32_conv_wgrad_kv_simd.h. Also
 * the pack of dy they read, in 8 x 8 transposes. */
#include <immintrin.h>

enum { VL = 8 };
typedef __m256 wk_vec;
#define wk_zero() _mm256_setzero_ps()
#define wk_load(p) _mm256_loadu_ps(p)
#define wk_store(p, v) _mm256_storeu_ps((p), (v))
#define wk_add(a, b) _mm256_add_ps((a), (b))
#define wk_fma(acc, v, p) _mm256_fmadd_ps((v), _mm256_broadcast_ss(p), (acc))

#include "kernels/f32_conv_wgrad_kv_simd.h"

void cnn_f32_conv_wgrad_kv_ukernel_8x12__avx2(const struct cnn_conv_wgrad_kv_geometry *g,
                                              const float *dy, const float *x,
                                              const int32_t *rows, size_t nrow, size_t ns,
                                              float *c, float *bias, int accumulate) {
  wgrad_kv(1, 12, g, dy, x, rows, nrow, ns, c, bias, accumulate);
}

void cnn_f32_conv_wgrad_kv_ukernel_16x6__avx2(const struct cnn_conv_wgrad_kv_geometry *g,
                                              const float *dy, const float *x,
                                              const int32_t *rows, size_t nrow, size_t ns,
                                              float *c, float *bias, int accumulate) {
  wgrad_kv(2, 6, g, dy, x, rows, nrow, ns, c, bias, accumulate);
}

/* out[j] = lane j of every r[i] (an 8 x 8 transpose). */
static inline void transpose8(__m256 r[8]) {
  __m256 t[8], u[8];
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 8; i += 4) {
    u[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
    u[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xee);
    u[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
    u[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xee);
  }
  for (int i = 0; i < 4; i++) {
    r[i] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x20);
    r[i + 4] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x31);
  }
}

void cnn_f32_conv_wgrad_kv_pack__avx2(size_t k, size_t positions, const float *src,
                                      size_t plane, size_t ld_pos, float *dst) {
  const size_t body = positions / 8 * 8;
  for (size_t i0 = 0; i0 < ld_pos; i0 += 8) {
    for (size_t o0 = 0; o0 < body; o0 += 8) {
      __m256 r[8];
      for (size_t i = 0; i < 8; i++)
        r[i] = i0 + i < k ? _mm256_loadu_ps(src + (i0 + i) * plane + o0) : _mm256_setzero_ps();
      transpose8(r);
      for (size_t j = 0; j < 8; j++) _mm256_storeu_ps(dst + (o0 + j) * ld_pos + i0, r[j]);
    }
    for (size_t o = body; o < positions; o++)
      for (size_t i = i0; i < i0 + 8; i++) dst[o * ld_pos + i] = i < k ? src[i * plane + o] : 0.0f;
  }
}
