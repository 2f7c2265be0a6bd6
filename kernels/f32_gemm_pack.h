/* The bodies of the GEMM packing routines (layout in kernels/ukernels.h),
 * included by each ISA's f32_gemm_pack.c so that the compiler sees the
 * panel width as a constant and the ISA's vectors: a contiguous line copy
 * becomes a few vector moves, and with AVX a panel whose depth is
 * contiguous (A as stored, B transposed) is transposed 8x8 in registers. */
#ifndef CNN_KERNELS_F32_GEMM_PACK_H
#define CNN_KERNELS_F32_GEMM_PACK_H

#include <string.h>

#include "kernels/ukernels.h"

#if defined(__AVX__)
#include <immintrin.h>
#endif

/* Any panel, the last partial one included (its missing lines are zero). */
static inline void cnn_f32_gemm_pack_panel_any(size_t width, size_t lines, size_t k,
                                               const float *src, size_t line_stride,
                                               size_t k_stride, float scale, float *dst) {
  if (lines < width) memset(dst, 0, k * width * sizeof *dst);
  if (line_stride == 1) {
    for (size_t p = 0; p < k; p++)
      for (size_t t = 0; t < lines; t++) dst[p * width + t] = scale * src[p * k_stride + t];
  } else {
    for (size_t t = 0; t < lines; t++)
      for (size_t p = 0; p < k; p++) dst[p * width + t] = scale * src[t * line_stride + p * k_stride];
  }
}

#if defined(__AVX__)
/* Lines t..t+7, depths p..p+7 of a depth-contiguous source into the panel. */
static inline void cnn_f32_gemm_pack_transpose8x8(const float *src, size_t line_stride,
                                                  __m256 scale, float *dst, size_t width) {
  __m256 r[8], u[8];
  for (int i = 0; i < 8; i++) r[i] = _mm256_mul_ps(scale, _mm256_loadu_ps(src + i * line_stride));
  for (int i = 0; i < 8; i += 2) {
    u[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);     /* l0p0 l1p0 l0p1 l1p1 | p4.. */
    u[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]); /* l0p2 l1p2 l0p3 l1p3 | p6.. */
  }
  for (int i = 0; i < 8; i += 4)
    for (int j = 0; j < 2; j++) {
      __m256 a = u[i + j], b = u[i + 2 + j];
      r[i + 2 * j] = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(1, 0, 1, 0));
      r[i + 2 * j + 1] = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 2, 3, 2));
    }
  /* r[0..3]: lines 0-3 at depths 0,1,2,3 (low half) and 4,5,6,7 (high);
   * r[4..7]: lines 4-7 likewise. */
  for (int d = 0; d < 4; d++) {
    _mm256_storeu_ps(dst + d * width, _mm256_permute2f128_ps(r[d], r[4 + d], 0x20));
    _mm256_storeu_ps(dst + (d + 4) * width, _mm256_permute2f128_ps(r[d], r[4 + d], 0x31));
  }
}
#endif

/* Packs count lines into panels of width (a constant at the call site). */
static inline void cnn_f32_gemm_pack_body(size_t width, size_t count, size_t k,
                                          const float *src, size_t line_stride,
                                          size_t k_stride, float scale, float *dst) {
  const size_t full = count / width * width;
  size_t first = 0;
  if (line_stride == 1) {
    /* Row by row of the source, so it is read in one sequential stream
     * (B of a short-M problem comes from memory once: its read order is
     * what the prefetchers see); the writes go to every panel in turn. */
    for (size_t p = 0; p < k; p++)
      for (size_t q = 0; q < full; q += width)
        for (size_t t = 0; t < width; t++)
          dst[q * k + p * width + t] = scale * src[p * k_stride + q + t];
    first = full;
    dst += full * k;
  }
  for (; first < full; first += width, dst += k * width) {
    const float *panel = src + first * line_stride;
#if defined(__AVX__)
    if (k_stride == 1 && width % 8 == 0) {
      const __m256 s = _mm256_set1_ps(scale);
      size_t p = 0;
      for (; p + 8 <= k; p += 8)
        for (size_t t = 0; t < width; t += 8)
          cnn_f32_gemm_pack_transpose8x8(panel + t * line_stride + p, line_stride, s,
                                         dst + p * width + t, width);
      for (; p < k; p++)
        for (size_t t = 0; t < width; t++) dst[p * width + t] = scale * panel[t * line_stride + p];
      continue;
    }
#endif
    cnn_f32_gemm_pack_panel_any(width, width, k, panel, line_stride, k_stride, scale, dst);
  }
  if (first < count)
    cnn_f32_gemm_pack_panel_any(width, count - first, k, src + first * line_stride,
                                line_stride, k_stride, scale, dst);
}

#endif
