/* The direct-convolution micro-kernel of every SIMD folder, written once over
 * a small vector interface that the including file defines first:
 *
 *   MR, NV, VL                 rows (output channels), vectors per row, lanes
 *   cd_vec                     one vector of VL floats
 *   cd_zero(), cd_load(p), cd_store(p, v), cd_add(a, b)
 *   cd_bcast, cd_broadcast(p)  one filter value *p, in the form cd_fma takes
 *   cd_fma(acc, b, w)          acc + b * w, fused
 *
 * Each step loads the vectors of the shifted source row and multiplies them
 * by one filter value per channel. The tile body is specialised for every
 * row count 1..MR and vector count 1..NV, so narrow problems (one to three
 * channels in backward-data) and the last, partial tile of an image do no
 * work for absent rows or columns. */
#ifndef CNN_KERNELS_F32_CONV_DIRECT_SIMD_H
#define CNN_KERNELS_F32_CONV_DIRECT_SIMD_H

#include "kernels/ukernels.h"

static inline __attribute__((always_inline)) CNN_NO_POINTER_OVERFLOW_CHECK void tile(
    const size_t mr, const size_t nv, size_t kd, const float *a, const float *x,
    const int32_t *rows, float *c, size_t ldc, int accumulate) {
  cd_vec acc[MR][NV];
  #pragma GCC unroll 8
  for (size_t i = 0; i < mr; i++)
    #pragma GCC unroll 8
    for (size_t v = 0; v < nv; v++) acc[i][v] = cd_zero();
  for (size_t p = 0; p < kd; p++, a += MR) {
    const float *b = x + rows[p];
    cd_vec bv[NV];
    #pragma GCC unroll 8
    for (size_t v = 0; v < nv; v++) bv[v] = cd_load(b + VL * v);
    #pragma GCC unroll 8
    for (size_t i = 0; i < mr; i++) {
      const cd_bcast ai = cd_broadcast(a + i);
      #pragma GCC unroll 8
      for (size_t v = 0; v < nv; v++) acc[i][v] = cd_fma(acc[i][v], bv[v], ai);
    }
  }
  #pragma GCC unroll 8
  for (size_t i = 0; i < mr; i++)
    #pragma GCC unroll 8
    for (size_t v = 0; v < nv; v++) {
      float *ci = c + i * ldc + VL * v;
      cd_vec sum = acc[i][v];
      if (accumulate) sum = cd_add(cd_load(ci), sum);
      cd_store(ci, sum);
    }
}

#define CD_ROWS(nv)                                                 \
  switch (mr) {                                                     \
    case 1: tile(1, nv, kd, a, x, rows, c, ldc, accumulate); break; \
    case 2: tile(2, nv, kd, a, x, rows, c, ldc, accumulate); break; \
    case 3: tile(3, nv, kd, a, x, rows, c, ldc, accumulate); break; \
    case 4: tile(4, nv, kd, a, x, rows, c, ldc, accumulate); break; \
    case 5: tile(5, nv, kd, a, x, rows, c, ldc, accumulate); break; \
    default: tile(MR, nv, kd, a, x, rows, c, ldc, accumulate); break; \
  }
#define CD_MIN_NV(n) ((n) < NV ? (n) : NV)

/* The body of every ISA's cnn_f32_conv_direct_ukernel: picks the tile for
 * mr rows and nr positions (contract in kernels/ukernels.h). */
static inline __attribute__((always_inline)) void conv_direct(size_t mr, size_t nr, size_t kd,
                                                              const float *a, const float *x,
                                                              const int32_t *rows, float *c,
                                                              size_t ldc, int accumulate) {
  switch ((nr + VL - 1) / VL) {
    case 1: CD_ROWS(1); break;
    case 2: CD_ROWS(CD_MIN_NV(2)); break;
    case 3: CD_ROWS(CD_MIN_NV(3)); break;
    default: CD_ROWS(NV); break;
  }
}

#endif
