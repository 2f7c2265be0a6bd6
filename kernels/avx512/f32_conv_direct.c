/* AVX-512 direct-convolution micro-kernels: 6 output channels x 64
 * positions (4 zmm per channel, 24 accumulators), and the channel-vectorised
 * 64 channels x 24 positions; the bodies are kernels/f32_conv_direct_simd.h
 * and kernels/f32_conv_direct_k_simd.h. */
#include <immintrin.h>

enum { MR = 6, NV = 4, VL = 16, MV = 4, ACC = 24 };
typedef __m512 cd_vec;
typedef __m512 cd_bcast;
#define cd_zero() _mm512_setzero_ps()
#define cd_load(p) _mm512_loadu_ps(p)
#define cd_store(p, v) _mm512_storeu_ps((p), (v))
#define cd_add(a, b) _mm512_add_ps((a), (b))
#define cd_broadcast(p) _mm512_set1_ps(*(p))
#define cd_fma(acc, b, w) _mm512_fmadd_ps((w), (b), (acc))


/* Transposes 16 vectors in place: r[j] lane l becomes r[l] lane j. */
static inline __attribute__((always_inline)) void transpose16(__m512 r[16]) {
  __m512 a[16], b[16], c[16];
  for (int k = 0; k < 8; k++) {
    a[2 * k] = _mm512_unpacklo_ps(r[2 * k], r[2 * k + 1]);
    a[2 * k + 1] = _mm512_unpackhi_ps(r[2 * k], r[2 * k + 1]);
  }
  /* Each 128-bit lane L of b[4k + m] holds column 4L + m of rows 4k..4k+3. */
  for (int k = 0; k < 4; k++)
    for (int h = 0; h < 2; h++) {
      const __m512d lo = _mm512_castps_pd(a[4 * k + h]), hi = _mm512_castps_pd(a[4 * k + 2 + h]);
      b[4 * k + 2 * h] = _mm512_castpd_ps(_mm512_unpacklo_pd(lo, hi));
      b[4 * k + 2 * h + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(lo, hi));
    }
  /* Gather lane L of b[m], b[4+m], b[8+m], b[12+m] into r[4L + m]. */
  for (int m = 0; m < 4; m++) {
    c[m] = _mm512_shuffle_f32x4(b[m], b[4 + m], 0x88);
    c[4 + m] = _mm512_shuffle_f32x4(b[m], b[4 + m], 0xdd);
    c[8 + m] = _mm512_shuffle_f32x4(b[8 + m], b[12 + m], 0x88);
    c[12 + m] = _mm512_shuffle_f32x4(b[8 + m], b[12 + m], 0xdd);
  }
  for (int m = 0; m < 4; m++) {
    r[m] = _mm512_shuffle_f32x4(c[m], c[8 + m], 0x88);
    r[8 + m] = _mm512_shuffle_f32x4(c[m], c[8 + m], 0xdd);
    r[4 + m] = _mm512_shuffle_f32x4(c[4 + m], c[12 + m], 0x88);
    r[12 + m] = _mm512_shuffle_f32x4(c[4 + m], c[12 + m], 0xdd);
  }
}

/* The transposed store of kernels/f32_conv_direct_k_simd.h: positions go
 * 16 at a time through a register transpose and masked row stores. */
static void cd_store_t(const float *cols, size_t np, size_t lanes, float *c, size_t ldc,
                       int accumulate) {
  for (size_t j0 = 0; j0 < np; j0 += 16) {
    const size_t n = np - j0 < 16 ? np - j0 : 16;
    __m512 r[16];
    for (size_t j = 0; j < 16; j++)
      r[j] = j < n ? _mm512_load_ps(cols + (j0 + j) * 16) : _mm512_setzero_ps();
    transpose16(r);
    const __mmask16 mask = (__mmask16)((1u << n) - 1);
    for (size_t l = 0; l < lanes; l++) {
      float *cl = c + l * ldc + j0;
      __m512 v = r[l];
      if (accumulate) v = _mm512_add_ps(_mm512_maskz_loadu_ps(mask, cl), v);
      _mm512_mask_storeu_ps(cl, mask, v);
    }
  }
}

#include "kernels/f32_conv_direct_simd.h"
#include "kernels/f32_conv_direct_k_simd.h"

void cnn_f32_conv_direct_ukernel_6x64__avx512(size_t mr, size_t nr, size_t kd,
                                              const float *a, const float *x,
                                              const int32_t *rows, float *c, size_t ldc,
                                              int accumulate) {
  conv_direct(mr, nr, kd, a, x, rows, c, ldc, accumulate);
}

/* AVX-512: 24 accumulators and up to 4 filter vectors of 32 registers; the
 * FMAs take their broadcast straight from memory. */
void cnn_f32_conv_direct_k_ukernel_64x24__avx512(size_t mr, size_t nr, size_t kd,
                                                 const float *a, const float *x,
                                                 const int32_t *rows, float *c, size_t ldc,
                                                 int accumulate) {
  conv_direct_k(mr, nr, kd, a, x, rows, c, ldc, accumulate);
}
