/* The channel-vector backward-data micro-kernel of every SIMD folder
 * (contract in kernels/ukernels.h), written once over a small vector
 * interface that the including file defines first:
 *
 *   VL                        lanes per vector
 *   dc_vec                    one vector of VL floats
 *   dc_zero(), dc_load(p), dc_store(p, v)
 *   dc_broadcast(p)           *p in every lane
 *   dc_fma(acc, a, b)         acc + a * b, fused
 *
 * Per step the S filter vectors of its taps are loaded once; then every
 * source value of the row segment (nj + S - 1 of them) is broadcast once
 * and multiplies the filter vectors of the taps that reach a position of
 * the segment: nj*S*mv multiply-adds per nj + S - 1 broadcasts and S*mv
 * loads, into nj*mv accumulators. A kernel passes its vectors of channels
 * (mv) and register budget (jmax); the tile is specialised for every S and
 * every even nj up to jmax. Source values in the padding are skipped, so
 * near the left and right edges only real products are computed. The
 * channel-major result leaves through an aligned stack tile. */
#ifndef CNN_KERNELS_F32_CONV_DGRAD_CV_SIMD_H
#define CNN_KERNELS_F32_CONV_DGRAD_CV_SIMD_H

#include <assert.h>

#include "kernels/ukernels.h"

enum { DC_MAX_MV = 4, DC_MAX_J = 16 };

static inline __attribute__((always_inline)) void tile(
    const size_t mv, const size_t nj, const size_t taps, size_t steps, size_t u_lo,
    size_t u_hi, const float *a,
    const float *x, const int32_t *rows, float *c, size_t ldc, size_t nc, size_t nj_used) {
  dc_vec acc[DC_MAX_J][DC_MAX_MV];
  #pragma GCC unroll 16
  for (size_t j = 0; j < nj; j++)
    #pragma GCC unroll 4
    for (size_t m = 0; m < mv; m++) acc[j][m] = dc_zero();
  for (size_t t = 0; t < steps; t++, a += taps * mv * VL) {
    const float *xr = x + rows[t];
    dc_vec w[CNN_DGRAD_CV_MAX_S][DC_MAX_MV];
    #pragma GCC unroll 8
    for (size_t s = 0; s < taps; s++)
      #pragma GCC unroll 4
      for (size_t m = 0; m < mv; m++) w[s][m] = dc_load(a + (s * mv + m) * VL);
    /* Source value u reaches position j = u - s through tap s; values in
     * the padding are zero and skipped (the same branches every step). */
    #pragma GCC unroll 32
    for (size_t u = 0; u < nj + taps - 1; u++) {
      if (u < u_lo || u >= u_hi) continue;
      const dc_vec b = dc_broadcast(xr + u);
      #pragma GCC unroll 8
      for (size_t s = 0; s < taps; s++)
        if (u >= s && u - s < nj)
          #pragma GCC unroll 4
          for (size_t m = 0; m < mv; m++) acc[u - s][m] = dc_fma(acc[u - s][m], w[s][m], b);
    }
  }
  _Alignas(64) float out[DC_MAX_J][DC_MAX_MV * VL];
  #pragma GCC unroll 16
  for (size_t j = 0; j < nj; j++)
    #pragma GCC unroll 4
    for (size_t m = 0; m < mv; m++) dc_store(out[j] + m * VL, acc[j][m]);
  for (size_t ch = 0; ch < nc; ch++)
    for (size_t j = 0; j < nj_used; j++) c[ch * ldc + j] = out[j][ch];
}

/* Tiles wider than the kernel's budget are never asked for; their cases
 * compile to nothing. */
#define DC_TILE(half, taps)                                                        \
  case half:                                                                       \
    if (2 * (half) <= jmax)                                                        \
      tile(mv, 2 * (half), taps, steps, u_lo, u_hi, a, x, rows, c, ldc, nc, nj);               \
    break;
#define DC_TAPS(taps)                                                              \
  case taps:                                                                       \
    switch ((nj + 1) / 2) {                                                        \
      DC_TILE(1, taps) DC_TILE(2, taps) DC_TILE(3, taps) DC_TILE(4, taps)          \
      DC_TILE(5, taps) DC_TILE(6, taps) DC_TILE(7, taps) DC_TILE(8, taps)          \
    }                                                                              \
    break;

/* The body of every ISA's cnn_f32_conv_dgrad_cv_ukernel. */
static inline __attribute__((always_inline)) void dgrad_cv(
    const size_t mv, const size_t jmax, size_t nc, size_t nj, size_t steps, size_t s,
    size_t u_lo, size_t u_hi, const float *a, const float *x, const int32_t *rows, float *c, size_t ldc) {
  assert(nc >= 1 && nc <= mv * VL && nj >= 1 && nj <= jmax && jmax <= DC_MAX_J &&
         steps >= 1 && s >= 1 && s <= CNN_DGRAD_CV_MAX_S && mv <= DC_MAX_MV);
  switch (s) { DC_TAPS(1) DC_TAPS(2) DC_TAPS(3) DC_TAPS(4) DC_TAPS(5) }
}

#endif
