/* AVX-512 B-panel gathering: 16 rows x 16 positions are loaded as 16
 * vectors and transposed in registers (4 rounds of 16 shuffles), so every
 * store writes 16 consecutive panel values; positions past the last full
 * block of 16 are copied one by one. */
#include <immintrin.h>

#include "kernels/ukernels.h"

static inline __attribute__((always_inline)) void transpose16(__m512 r[16]) {
  __m512 t[16];
#pragma GCC unroll 8
  for (int i = 0; i < 8; i++) {
    t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
#pragma GCC unroll 4
  for (int i = 0; i < 4; i++) {
    const __m512d a = _mm512_castps_pd(t[4 * i]), b = _mm512_castps_pd(t[4 * i + 1]);
    const __m512d c = _mm512_castps_pd(t[4 * i + 2]), d = _mm512_castps_pd(t[4 * i + 3]);
    r[4 * i] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, c));
    r[4 * i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, c));
    r[4 * i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(b, d));
    r[4 * i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(b, d));
  }
  /* r[4i + k] now holds, for rows 4i..4i+3, column k of each 128-bit lane:
   * lanes (column groups 0-3, 4-7, 8-11, 12-15). Interleave the lanes. */
#pragma GCC unroll 4
  for (int k = 0; k < 4; k++) {
    const __m512 a = _mm512_shuffle_f32x4(r[k], r[4 + k], 0x44);
    const __m512 b = _mm512_shuffle_f32x4(r[k], r[4 + k], 0xee);
    const __m512 c = _mm512_shuffle_f32x4(r[8 + k], r[12 + k], 0x44);
    const __m512 d = _mm512_shuffle_f32x4(r[8 + k], r[12 + k], 0xee);
    t[k] = _mm512_shuffle_f32x4(a, c, 0x88);
    t[4 + k] = _mm512_shuffle_f32x4(a, c, 0xdd);
    t[8 + k] = _mm512_shuffle_f32x4(b, d, 0x88);
    t[12 + k] = _mm512_shuffle_f32x4(b, d, 0xdd);
  }
#pragma GCC unroll 16
  for (int i = 0; i < 16; i++) r[i] = t[i];
}

void cnn_f32_conv_pack_ukernel_16x16__avx512(size_t kc, size_t nr, const float *x,
                                             const int32_t *rows, float *dst) {
  const size_t body = kc / 16 * 16;
  for (size_t j0 = 0; j0 < nr; j0 += 16) {
    const float *src[16];
#pragma GCC unroll 16
    for (int j = 0; j < 16; j++) src[j] = x + rows[j0 + j];
    for (size_t o0 = 0; o0 < body; o0 += 16) {
      __m512 r[16];
#pragma GCC unroll 16
      for (int j = 0; j < 16; j++) r[j] = _mm512_loadu_ps(src[j] + o0);
      transpose16(r);
#pragma GCC unroll 16
      for (int o = 0; o < 16; o++) _mm512_store_ps(dst + (o0 + o) * nr + j0, r[o]);
    }
    for (size_t o = body; o < kc; o++)
#pragma GCC unroll 16
      for (int j = 0; j < 16; j++) dst[o * nr + j0 + j] = src[j][o];
  }
}
